<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * What every console command shares, after glpi-project/glpi src/Console/AbstractCommand.php (10.0.x) and
 * src/Glpi/Console/AbstractCommand.php (11.0.x) plus symfony/console Command::run():
 *  - run(): merge the application's options, bind (unknown options refused), initialize(), interact() only
 *    when interactive, check required arguments, execute();
 *  - initialize(): a command that needs the database and has none fails: 10.0.x "Unable to connect to
 *    database." (RuntimeException, exit 1), 11.0.x the same text with exit 130 (ERROR_DB_UNAVAILABLE);
 *  - askForConfirmation(): "Do you want to continue?", default yes; -n answers the default; "no" exits 0
 *    with "Aborted." (EarlyExitException with a success code).
 */
namespace Standin\Command;

use Standin\Application;
use Standin\ConsoleException;
use Standin\Input;
use Standin\InputDefinition;
use Standin\InputOption;
use Standin\Output;
use Standin\Questions;
use Standin\Release;

/** Glpi\Console\Exception\EarlyExitException: message written to the output, code returned. */
final class EarlyExit extends \RuntimeException
{
}

abstract class Command
{
    /** GlpiCommandInterface (GLPI's own commands; cache:clear is a plain Symfony command). */
    public bool $glpiCommand = true;
    public bool $requiresDb = true;
    public bool $requiresDbUpToDate = true;
    public bool $checksMandatoryRequirements = true;
    /** ForceNoPluginsOptionCommandInterface with getNoPluginsOptionValue() true: the console starts no plugin. */
    public bool $forcesNoPlugins = false;
    public array $aliases = [];
    public InputDefinition $definition;

    protected Input $input;
    protected Output $output;
    protected Questions $questions;

    public function __construct(protected Application $app)
    {
        $this->definition = new InputDefinition();
        $this->configure();
    }

    abstract public function name(): string;

    abstract public function description(): string;

    abstract protected function configure(): void;

    abstract protected function execute(): int;

    /** ConfigurationCommandInterface::getConfigurationFilesToUpdate(); null when not such a command. */
    public function configurationFilesToUpdate(Input $input): ?array
    {
        return null;
    }

    public function run(Input $input, Output $output): int
    {
        $this->input = $input;
        $this->output = $output;
        $this->questions = new Questions($input, $output);
        $definition = clone $this->app->definition();
        $definition->merge($this->definition);
        $input->bind($definition);
        $this->initialize();
        if ($input->interactive) {
            $this->interact();
        }
        $input->validate();
        return $this->execute();
    }

    protected function initialize(): void
    {
        if ($this->requiresDb && $this->app->db() === null) {
            if (Release::isEleven()) {
                throw new EarlyExit('<error>Unable to connect to database.</error>', Release::exitDbUnavailable());
            }
            throw new ConsoleException('Unable to connect to database.');
        }
    }

    protected function interact(): void
    {
    }

    protected function option(string $name, ?string $shortcut, int $mode, mixed $default = null): void
    {
        $this->definition->addOption(new InputOption($name, $shortcut === null ? [] : [$shortcut], $mode, $default));
    }

    protected function askForConfirmation(bool $default_to_yes = true): void
    {
        $run = $this->questions->confirm('Do you want to continue?' . ($default_to_yes ? ' [Yes/no]' : ' [yes/No]'), $default_to_yes);
        if (!$run) {
            throw new EarlyExit('<comment>Aborted.</comment>', 0);
        }
    }

    /** outputWarningOnMissingOptionnalRequirements(). */
    protected function warnOnMissingOptionalRequirements(): void
    {
        if ($this->output->isQuiet()) {
            return;
        }
        if (\Standin\Requirements::missing(\Standin\Requirements::core($this->app->db()), true)) {
            $this->output->writeln('<comment>Some optional system requirements are missing. Run the "php bin/console system:check_requirements" command for more details.</comment>');
        }
    }

    /** TelemetryActivationTrait::handTelemetryActivation(): asked only in interactive runs. */
    protected function handleTelemetry(\mysqli $mysqli): void
    {
        $enable = (bool) $this->input->getOption('enable-telemetry');
        if (!$this->input->getOption('no-telemetry') && !$enable && $this->input->interactive) {
            $enable = $this->questions->confirm('Do you want to send "usage statistics"? [Yes/no]', true);
        }
        if ($enable) {
            $mysqli->query("UPDATE glpi_crontasks SET state = 1 WHERE itemtype = 'Telemetry' AND name = 'telemetry'");
        }
    }
}
