<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Command-line parsing with the rules of symfony/console (the library GLPI's bin/console is built on:
 * 5.4 for GLPI 10.0.x, 6.4+ for 11.0.x), written for the stand-in after reading
 * symfony/console Input/ArgvInput.php (parseToken, parseShortOption, parseShortOptionSet, parseLongOption,
 * addShortOption, addLongOption, parseArgument, hasParameterOption, getParameterOption) and
 * Input/InputOption.php. What the stand-in keeps: unknown options refused ('The "--x" option does not
 * exist.'), values required/optional/forbidden, '-dVALUE' and '-d VALUE', '--opt=VALUE' and '--opt VALUE',
 * '--' ending options, too many arguments refused.
 */
namespace Standin;

final class InputOption
{
    public const VALUE_NONE = 1;
    public const VALUE_REQUIRED = 2;
    public const VALUE_OPTIONAL = 4;
    public const VALUE_IS_ARRAY = 8;

    /** @param string[] $shortcuts */
    public function __construct(
        public readonly string $name,
        public readonly array $shortcuts,
        public readonly int $mode,
        public readonly mixed $default = null,
    ) {
    }

    public function acceptValue(): bool
    {
        return ($this->mode & (self::VALUE_REQUIRED | self::VALUE_OPTIONAL)) !== 0;
    }

    public function isValueRequired(): bool
    {
        return ($this->mode & self::VALUE_REQUIRED) !== 0;
    }

    public function isValueOptional(): bool
    {
        return ($this->mode & self::VALUE_OPTIONAL) !== 0;
    }

    public function isArray(): bool
    {
        return ($this->mode & self::VALUE_IS_ARRAY) !== 0;
    }

    public function defaultValue(): mixed
    {
        if ($this->mode & self::VALUE_NONE) {
            return false;
        }
        return $this->isArray() ? ($this->default ?? []) : $this->default;
    }
}

final class InputDefinition
{
    /** @var array<string, InputOption> */
    public array $options = [];
    /** @var array<string, string> shortcut => option name */
    public array $shortcuts = [];
    /** @var array<string, array{required: bool, array?: bool}> argument name => spec, in order */
    public array $arguments = [];

    public function addOption(InputOption $option): void
    {
        $this->options[$option->name] = $option;
        foreach ($option->shortcuts as $shortcut) {
            $this->shortcuts[$shortcut] = $option->name;
        }
    }

    public function addArgument(string $name, bool $required, bool $is_array = false): void
    {
        $this->arguments[$name] = ['required' => $required, 'array' => $is_array];
    }

    public function merge(InputDefinition $other): void
    {
        foreach ($other->arguments as $name => $spec) {
            $this->arguments[$name] = $spec;
        }
        foreach ($other->options as $option) {
            $this->addOption($option);
        }
    }
}

final class ConsoleException extends \RuntimeException
{
}

/** Raw argv plus the values bound to a definition. */
final class Input
{
    /** @var array<string, mixed> */
    public array $options = [];
    /** @var array<string, string> */
    public array $arguments = [];
    public bool $interactive = true;

    private array $parsed = [];
    private InputDefinition $definition;

    /** @param string[] $tokens argv without the script name */
    public function __construct(public readonly array $tokens)
    {
    }

    /** Parse the tokens against $definition; throws ConsoleException the way symfony/console does. */
    public function bind(InputDefinition $definition): void
    {
        $this->definition = $definition;
        $this->options = [];
        $this->arguments = [];
        $this->parsed = array_keys($this->tokens);
        $parse_options = true;
        while (null !== ($index = array_shift($this->parsed))) {
            $token = $this->tokens[$index];
            if ($parse_options && $token === '') {
                $this->addArgument($token);
            } elseif ($parse_options && $token === '--') {
                $parse_options = false;
            } elseif ($parse_options && str_starts_with($token, '--')) {
                $this->parseLong($index);
            } elseif ($parse_options && $token[0] === '-' && $token !== '-') {
                $this->parseShort($index);
            } else {
                $this->addArgument($token);
            }
        }
    }

    /** Required arguments present (symfony/console Input::validate). */
    public function validate(): void
    {
        $missing = array_filter(
            array_keys($this->definition->arguments),
            fn ($name) => $this->definition->arguments[$name]['required'] && !array_key_exists($name, $this->arguments)
        );
        if ($missing) {
            throw new ConsoleException(sprintf('Not enough arguments (missing: "%s").', implode(', ', $missing)));
        }
    }

    public function getOption(string $name): mixed
    {
        if (!isset($this->definition->options[$name])) {
            throw new ConsoleException(sprintf('The "%s" option does not exist.', $name));
        }
        return array_key_exists($name, $this->options)
            ? $this->options[$name]
            : $this->definition->options[$name]->defaultValue();
    }

    public function setOption(string $name, mixed $value): void
    {
        $this->options[$name] = $value;
    }

    public function getArgument(string $name): ?string
    {
        return $this->arguments[$name] ?? null;
    }

    /** An InputArgument::IS_ARRAY argument: every remaining token (symfony/console ArgvInput::parseArgument). */
    public function getArrayArgument(string $name): array
    {
        return $this->arguments[$name] ?? [];
    }

    /** symfony/console ArgvInput::hasParameterOption: raw token scan, '-n' also matches '-nq'. */
    public function hasParameterOption(array $values, bool $only_params = false): bool
    {
        foreach ($this->tokens as $token) {
            if ($only_params && $token === '--') {
                return false;
            }
            foreach ($values as $value) {
                $leading = str_starts_with($value, '--') ? $value . '=' : $value;
                if ($token === $value || ($leading !== '' && str_starts_with($token, $leading))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** symfony/console ArgvInput::getParameterOption. */
    public function getParameterOption(string $value, mixed $default = false, bool $only_params = false): mixed
    {
        $tokens = $this->tokens;
        while (null !== ($token = array_shift($tokens))) {
            if ($only_params && $token === '--') {
                return $default;
            }
            if ($token === $value) {
                return array_shift($tokens);
            }
            $leading = str_starts_with($value, '--') ? $value . '=' : $value;
            if ($leading !== '' && str_starts_with($token, $leading)) {
                return substr($token, strlen($leading));
            }
        }
        return $default;
    }

    /** The first argument: the command name (options and their values skipped). */
    public function firstArgument(InputDefinition $app_definition): ?string
    {
        $tokens = $this->tokens;
        while (null !== ($token = array_shift($tokens))) {
            if ($token === '' || $token[0] !== '-') {
                return $token;
            }
            $name = ltrim(explode('=', $token, 2)[0], '-');
            $option = str_starts_with($token, '--')
                ? ($app_definition->options[$name] ?? null)
                : (isset($app_definition->shortcuts[$name]) ? $app_definition->options[$app_definition->shortcuts[$name]] : null);
            if ($option !== null && $option->acceptValue() && !str_contains($token, '=') && $tokens) {
                array_shift($tokens);
            }
        }
        return null;
    }

    private function parseShort(int $index): void
    {
        $name = substr($this->tokens[$index], 1);
        if (strlen($name) > 1) {
            $first = $this->optionForShortcut($name[0]);
            if ($first !== null && $first->acceptValue()) {
                $this->addLong($first->name, substr($name, 1), $index);
                return;
            }
            $len = strlen($name);
            for ($i = 0; $i < $len; ++$i) {
                $option = $this->optionForShortcut($name[$i]);
                if ($option === null) {
                    throw new ConsoleException(sprintf('The "-%s" option does not exist.', $name[$i]));
                }
                if ($option->acceptValue()) {
                    $this->addLong($option->name, $i === $len - 1 ? null : substr($name, $i + 1), $index);
                    return;
                }
                $this->addLong($option->name, null, $index);
            }
            return;
        }
        $option = $this->optionForShortcut($name);
        if ($option === null) {
            throw new ConsoleException(sprintf('The "-%s" option does not exist.', $name));
        }
        $this->addLong($option->name, null, $index);
    }

    private function parseLong(int $index): void
    {
        $name = substr($this->tokens[$index], 2);
        $pos = strpos($name, '=');
        if ($pos === false) {
            $this->addLong($name, null, $index);
            return;
        }
        // '--opt=' is an explicit empty value: nothing is looked up in the next token.
        $this->addLong(substr($name, 0, $pos), substr($name, $pos + 1), $index, true);
    }

    private function optionForShortcut(string $shortcut): ?InputOption
    {
        $name = $this->definition->shortcuts[$shortcut] ?? null;
        return $name === null ? null : $this->definition->options[$name];
    }

    private function addLong(string $name, ?string $value, int $index, bool $explicit = false): void
    {
        $option = $this->definition->options[$name] ?? null;
        if ($option === null) {
            throw new ConsoleException(sprintf('The "--%s" option does not exist.', $name));
        }
        if ($value !== null && !$option->acceptValue()) {
            throw new ConsoleException(sprintf('The "--%s" option does not accept a value.', $name));
        }
        if (!$explicit && ($value === null || $value === '') && $option->acceptValue() && $this->parsed) {
            $next_index = $this->parsed[0];
            $next = $this->tokens[$next_index];
            if ((isset($next[0]) && $next[0] !== '-') || $next === '') {
                array_shift($this->parsed);
                $value = $next;
            }
        }
        if ($value === null) {
            if ($option->isValueRequired()) {
                throw new ConsoleException(sprintf('The "--%s" option requires a value.', $name));
            }
            if (!$option->isArray() && !$option->isValueOptional()) {
                $value = true;
            }
        }
        if ($option->isArray()) {
            $this->options[$name][] = $value;
        } else {
            $this->options[$name] = $value;
        }
    }

    private function addArgument(string $token): void
    {
        $count = count($this->arguments);
        $names = array_keys($this->definition->arguments);
        if (isset($names[$count])) {
            $name = $names[$count];
            $this->arguments[$name] = ($this->definition->arguments[$name]['array'] ?? false) ? [$token] : $token;
            return;
        }
        $last = end($names);
        if ($last !== false && ($this->definition->arguments[$last]['array'] ?? false)) {
            $this->arguments[$last][] = $token;
            return;
        }
        $command = $this->arguments['command'] ?? null;
        $others = array_values(array_diff($names, ['command']));
        if ($others) {
            throw new ConsoleException($command !== null
                ? sprintf('Too many arguments to "%s" command, expected arguments "%s".', $command, implode('" "', $others))
                : sprintf('Too many arguments, expected arguments "%s".', implode('" "', $others)));
        }
        throw new ConsoleException($command !== null
            ? sprintf('No arguments expected for "%s" command, got "%s".', $command, $token)
            : sprintf('No arguments expected, got "%s".', $token));
    }
}
