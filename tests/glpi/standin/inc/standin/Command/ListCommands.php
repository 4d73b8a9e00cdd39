<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Symfony's built-in "list" (the default command) and "help <command>", enough to discover what the
 * stand-in implements: names, aliases and each option with its shortcut.
 */
namespace Standin\Command;

final class ListCommands extends Command
{
    public bool $glpiCommand = false;
    public bool $requiresDb = false;

    public function name(): string
    {
        return 'list';
    }

    public function description(): string
    {
        return 'List commands';
    }

    protected function configure(): void
    {
    }

    protected function initialize(): void
    {
    }

    protected function execute(): int
    {
        $this->output->writeln('GLPI CLI ' . GLPI_VERSION);
        foreach ($this->app->commands() as $command) {
            $aliases = $command->aliases ? ' [' . implode('|', $command->aliases) . ']' : '';
            $this->output->writeln(sprintf('  %s%s  %s', $command->name(), $aliases, $command->description()));
        }
        return 0;
    }
}

final class Help extends Command
{
    public bool $glpiCommand = false;
    public bool $requiresDb = false;
    public ?Command $target = null;

    public function name(): string
    {
        return 'help';
    }

    public function description(): string
    {
        return 'Display help for a command';
    }

    protected function configure(): void
    {
        $this->definition->addArgument('command_name', false);
    }

    protected function initialize(): void
    {
    }

    protected function execute(): int
    {
        $command = $this->target ?? $this->app->find($this->input->getArgument('command_name') ?? 'help');
        $this->output->writeln(sprintf('Usage: %s [options]%s', $command->name(), $command->definition->arguments ? ' <' . implode('> <', array_keys($command->definition->arguments)) . '>' : ''));
        foreach ($command->definition->options as $option) {
            $short = $option->shortcuts ? '-' . implode('|-', $option->shortcuts) . ', ' : '    ';
            $value = $option->acceptValue() ? ($option->isValueRequired() ? '=VALUE' : '[=VALUE]') : '';
            $this->output->writeln(sprintf('  %s--%s%s', $short, $option->name, $value));
        }
        return 0;
    }
}
