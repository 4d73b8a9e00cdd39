<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The console application, after glpi-project/glpi src/Console/Application.php (10.0.x) and
 * src/Glpi/Console/Application.php (11.0.x), on symfony/console Application.php (run, doRun, find,
 * configureIO):
 *  - global options: -h, -q, -v|vv|vvv, -V, --ansi, --no-ansi, -n, --config-dir, --lang; 10.0.x adds
 *    --no-plugins; 11.0.x adds --env (required value) and declares --allow-superuser only when running as
 *    root or when it is given (getDefaultInputDefinition);
 *  - the "glpi:" prefix of command names is stripped (getCommandName, GLPI >= 10.0.6); names and aliases
 *    match exactly or as an unambiguous abbreviation; an unknown command is 'Command "x" is not defined.';
 *  - before a GLPI command runs (doRunCommand): a command needing an up-to-date database and facing an older
 *    one exits ERROR_DB_OUTDATED (10.0.x: also when the database is unreachable, its dbversion being unknown;
 *    11.0.x: only when reachable), missing mandatory requirements exit 128 (10.0.x checkCoreMandatoryRequirements
 *    says so in one line and names none; 11.0.x lists them), a configuration file the command must write but
 *    cannot exits 129;
 *  - 10.0.x: with a database, the active plugins are checked at start (Plugin::init(), Plugins.php) unless the
 *    command forces no plugins (db:install, db:configure, db:update, plugin:*) or --no-plugins is given;
 *  - 11.0.x: the kernel boots before any command is known (bin/console), and its CheckPluginsStates post-boot
 *    listener (src/Glpi/Kernel/Listener/PostBootListener/CheckPluginsStates.php) runs Plugin::checkStates() for
 *    every command, db:update and plugin:* included: a pending update suspends the plugins' execution
 *    (Plugins::checkStates);
 *  - an exception is rendered on stderr and exits with its code, 1 when it has none (symfony/console run()).
 *  - the output language is --lang, else the configured GLPI language, else en_GB (computeAndLoadOutputLang); the
 *    stand-in translates only what the role reads (system:check_requirements' table, Release::translate);
 * The constructor's own failures (sessions directory not writable, unsupported database engine) are uncaught
 * exceptions in GLPI: PHP exits 255.
 */
namespace Standin;

use Standin\Command\Command;
use Standin\Command\EarlyExit;

final class Application
{
    private InputDefinition $definition;
    /** @var Command[] */
    private array $commands = [];
    private ?\mysqli $db = null;
    private Input $input;
    private ?int $exitCode = null;
    private string $language = 'en_GB';

    public function __construct(private array $argv)
    {
        $this->input = new Input($argv);
        register_shutdown_function(fn () => Log::call('console', $this->argv, ['exit' => $this->exitCode]));
        if (!is_dir(GLPI_SESSION_DIR) || !is_writable(GLPI_SESSION_DIR)) {
            self::fatal(sprintf('Cannot write in "%s" directory.', GLPI_SESSION_DIR));
        }
        $configured = Database::configured();
        if ($configured !== null) {
            $this->db = Database::connect($configured);
            if ($this->db !== null && !Database::engine($this->db)[0]) {
                self::fatal(sprintf('Your database engine version seems too old: %s.', Database::engine($this->db)[1]));
            }
        }
        $this->language = $this->outputLanguage();
        $this->definition = $this->defaultDefinition();
        $this->registerCommands();
        if ($this->usePlugins()) {
            Plugins::checkActivated($this->db);
        } elseif (Release::isEleven() && $this->db !== null) {
            Plugins::checkStates($this->db);
        }
    }

    /** 10.0.x usePlugins(): with a database, unless the command forces no plugins or --no-plugins is given. */
    private function usePlugins(): bool
    {
        if (Release::isEleven() || $this->db === null) {
            return false;
        }
        try {
            $name = $this->input->firstArgument($this->definition);
            if ($this->find(preg_replace('/^glpi:/', '', $name ?? 'list'))->forcesNoPlugins) {
                return false;
            }
        } catch (ConsoleException) {
            // an unknown command: GLPI looks for it among the plugins' commands
        }
        return !$this->input->hasParameterOption(['--no-plugins'], true);
    }

    public function run(): int
    {
        $output = new Output();
        $this->configureIO($output);
        try {
            $this->exitCode = $this->doRun($output);
        } catch (ConsoleException | \RuntimeException $e) {
            $output->stderr("\n  " . $e->getMessage() . "\n");
            $this->exitCode = $e->getCode() > 0 ? $e->getCode() : 1;
        }
        return $this->exitCode = min($this->exitCode, 255);
    }

    public function definition(): InputDefinition
    {
        return $this->definition;
    }

    /** The command's merged option (application + command), for default comparisons. */
    public function definitionOf(Command $command, string $option): InputOption
    {
        return $command->definition->options[$option] ?? $this->definition->options[$option];
    }

    /**
     * computeAndLoadOutputLang() (10.0.x src/Console/Application.php; same in 11.0.x
     * src/Glpi/Console/Application.php): a valid --lang, else GLPI's configured language when the database is
     * reachable (the default language db:install stored), else en_GB. The console then speaks that language.
     */
    private function outputLanguage(): string
    {
        $lang = $this->input->getParameterOption('--lang', null, true);
        if ($lang !== null && in_array($lang, Release::LANGUAGES, true)) {
            return $lang;
        }
        $configured = $this->db !== null ? (Database::coreConfig($this->db)['language'] ?? null) : null;
        return $configured !== null && in_array($configured, Release::LANGUAGES, true) ? $configured : 'en_GB';
    }

    public function language(): string
    {
        return $this->language;
    }

    public function db(): ?\mysqli
    {
        return $this->db;
    }

    /** @return Command[] */
    public function commands(): array
    {
        return $this->commands;
    }

    public function find(string $name): Command
    {
        $all = [];
        foreach ($this->commands as $command) {
            foreach (array_merge([$command->name()], $command->aliases) as $alias) {
                $all[$alias] = $command;
            }
        }
        if (isset($all[$name])) {
            return $all[$name];
        }
        if (str_contains($name, ':')) {
            $namespace = substr($name, 0, strrpos($name, ':'));
            $expr = implode('[^:]*:', array_map('preg_quote', explode(':', $namespace))) . '[^:]*';
            $namespaces = array_filter(array_keys($all), fn ($n) => preg_match('{^' . $expr . ':}', $n));
            if (!$namespaces) {
                throw new ConsoleException(sprintf('There are no commands defined in the "%s" namespace.', $namespace));
            }
        }
        $expr = implode('[^:]*:', array_map('preg_quote', explode(':', $name))) . '[^:]*';
        $matches = preg_grep('{^' . $expr . '}', array_keys($all)) ?: preg_grep('{^' . $expr . '}i', array_keys($all));
        $found = array_unique(array_map(fn ($n) => $all[$n]->name(), $matches));
        if (count($found) === 1) {
            return $all[reset($found)];
        }
        if (count($found) > 1) {
            throw new ConsoleException(sprintf("Command \"%s\" is ambiguous.\nDid you mean one of these?\n    %s", $name, implode("\n    ", $found)));
        }
        throw new ConsoleException(sprintf('Command "%s" is not defined.', $name));
    }

    private function doRun(Output $output): int
    {
        if ($this->input->hasParameterOption(['--version', '-V'], true)) {
            $output->writeln('GLPI CLI ' . GLPI_VERSION);
            return 0;
        }
        try {
            $this->input->bind($this->definition);
        } catch (ConsoleException) {
            // Full validation happens once the command is known (symfony/console doRun()).
        }
        $name = $this->input->firstArgument($this->definition);
        $name = $name === null ? null : preg_replace('/^glpi:/', '', $name);
        $want_help = $this->input->hasParameterOption(['--help', '-h'], true);
        $command = $this->find($name ?? ($want_help ? 'help' : 'list'));
        if ($want_help && $name !== null) {
            $help = $this->find('help');
            $help->target = $command;
            $command = $help;
        }
        return $this->doRunCommand($command, $output);
    }

    private function doRunCommand(Command $command, Output $output): int
    {
        if (Release::isEleven() && function_exists('posix_geteuid') && posix_geteuid() === 0) {
            $output->writeln([
                ' WARNING: running as root is discouraged. ',
                ' You should run the script as the same user that your web server runs as to avoid file permissions being ruined. ',
                '',
            ]);
        }
        $needs_current_db = $command->glpiCommand && $command->requiresDb && $command->requiresDbUpToDate;
        $db_up_to_date = $this->db !== null && Release::isDbUpToDate(Database::coreConfig($this->db)['dbversion'] ?? null);
        if ($needs_current_db && !$db_up_to_date && (!Release::isEleven() || $this->db !== null)) {
            if (Release::isEleven() && GLPI_SKIP_UPDATES) {
                $output->writeln(' You are bypassing a needed update ');
            } else {
                $output->writeln([
                    '<error>The GLPI codebase has been updated. The update of the GLPI database is necessary.</error>',
                    '<error>Run the "php bin/console database:update" command to process to the update.</error>',
                ], Output::QUIET);
                return Release::exitDbOutdated();
            }
        }
        if ($command->glpiCommand && $command->checksMandatoryRequirements) {
            $missing = Requirements::missing(Requirements::core($this->db), false);
            if ($missing && !Release::isEleven()) {
                // 10.0.x checkCoreMandatoryRequirements(): one line, no list (src/Console/Application.php)
                $output->writeln('<error>Some mandatory system requirements are missing. Run the "php bin/console system:check_requirements" command for more details.</error>', Output::QUIET);
                return Release::exitMissingRequirements();
            }
            if ($missing) {
                $output->writeln('<error>Some mandatory system requirements are missing:</error>', Output::QUIET);
                foreach ($missing as $requirement) {
                    $output->writeln('<error> - ' . $requirement->title . ': ' . implode(' ', $requirement->messages) . '</error>', Output::QUIET);
                }
                $output->writeln('<info>Run the "php bin/console system:check_requirements" command for more details.</info>', Output::QUIET);
                return Release::exitMissingRequirements();
            }
        }
        $files = $command->configurationFilesToUpdate($this->input);
        if ($files !== null && !self::canWriteFiles($files)) {
            $paths = array_map(fn ($f) => GLPI_CONFIG_DIR . '/' . $f, $files);
            $output->writeln([
                '<error>A temporary write access to the following files is required: `' . implode('`, `', $paths) . '`.</error>',
                '<error>Write access to these files can be removed once the operation is finished.</error>',
            ], Output::QUIET);
            return Release::exitConfigWriteAccessDenied();
        }
        try {
            return $command->run($this->input, $output);
        } catch (EarlyExit $e) {
            $output->writeln($e->getMessage(), Output::QUIET);
            return $e->getCode();
        }
    }

    /** Glpi\Toolbox\Filesystem::canWriteFiles(): existing files writable, missing ones creatable. */
    private static function canWriteFiles(array $files): bool
    {
        foreach ($files as $file) {
            $path = GLPI_CONFIG_DIR . '/' . $file;
            if (file_exists($path)) {
                if (!is_writable($path)) {
                    return false;
                }
                continue;
            }
            $handle = @fopen($path, 'c');
            if ($handle === false) {
                return false;
            }
            fclose($handle);
            @unlink($path);
        }
        return true;
    }

    /** symfony/console configureIO() plus GLPI's --lang check (invalid value: uncaught, exit 255). */
    private function configureIO(Output $output): void
    {
        if ($this->input->hasParameterOption(['--no-interaction', '-n'], true)) {
            $this->input->interactive = false;
        }
        $output->verbosity = match ((int) getenv('SHELL_VERBOSITY')) {
            -1 => Output::QUIET,
            1 => Output::VERBOSE,
            2 => Output::VERY_VERBOSE,
            3 => Output::DEBUG,
            default => Output::NORMAL,
        };
        if ($this->input->hasParameterOption(['--quiet', '-q'], true)) {
            $output->verbosity = Output::QUIET;
        } elseif ($this->input->hasParameterOption(['-vvv', '--verbose=3'], true)) {
            $output->verbosity = Output::DEBUG;
        } elseif ($this->input->hasParameterOption(['-vv', '--verbose=2'], true)) {
            $output->verbosity = Output::VERY_VERBOSE;
        } elseif ($this->input->hasParameterOption(['-v', '--verbose'], true)) {
            $output->verbosity = Output::VERBOSE;
        }
        if ($output->verbosity === Output::QUIET) {
            $this->input->interactive = false;
        }
        $lang = $this->input->getParameterOption('--lang', null, true);
        if ($lang !== null && !in_array($lang, Release::LANGUAGES, true)) {
            self::fatal(sprintf('Invalid "--lang" option value "%s".', $lang));
        }
        $env = Release::isEleven() ? $this->input->getParameterOption('--env', null, true) : null;
        if ($env !== null && !in_array($env, Release::ENVIRONMENTS, true)) {
            self::fatal(sprintf('Invalid "--env" option value "%s".', $env));
        }
    }

    private function defaultDefinition(): InputDefinition
    {
        $definition = new InputDefinition();
        $definition->addArgument('command', true);
        $none = InputOption::VALUE_NONE;
        $definition->addOption(new InputOption('help', ['h'], $none));
        $definition->addOption(new InputOption('quiet', ['q'], $none));
        $definition->addOption(new InputOption('verbose', ['v', 'vv', 'vvv'], $none));
        $definition->addOption(new InputOption('version', ['V'], $none));
        $definition->addOption(new InputOption('ansi', [], $none));
        $definition->addOption(new InputOption('no-ansi', [], $none));
        $definition->addOption(new InputOption('no-interaction', ['n'], $none));
        if (Release::isEleven()) {
            $definition->addOption(new InputOption('env', [], InputOption::VALUE_REQUIRED));
        }
        $definition->addOption(new InputOption('config-dir', [], InputOption::VALUE_OPTIONAL));
        if (!Release::isEleven()) {
            $definition->addOption(new InputOption('no-plugins', [], $none));
        }
        $definition->addOption(new InputOption('lang', [], InputOption::VALUE_OPTIONAL));
        $root = function_exists('posix_geteuid') && posix_geteuid() === 0;
        if (Release::isEleven() && ($root || in_array('--allow-superuser', $this->argv, true))) {
            $definition->addOption(new InputOption('allow-superuser', [], $none));
        }
        return $definition;
    }

    private function registerCommands(): void
    {
        $classes = [
            \Standin\Command\Install::class, \Standin\Command\Configure::class, \Standin\Command\Update::class, \Standin\Command\CheckRequirements::class,
            \Standin\Command\CacheClear::class, \Standin\Command\MaintenanceEnable::class, \Standin\Command\MaintenanceDisable::class,
            \Standin\Command\PluginActivate::class,
            \Standin\Command\ListCommands::class, \Standin\Command\Help::class,
        ];
        if (Release::isEleven()) {
            array_push($classes, \Standin\Command\UserResetPassword::class, \Standin\Command\UserEnable::class, \Standin\Command\UserDisable::class,
                \Standin\Command\PluginResumeExecution::class, \Standin\Command\PluginSuspendExecution::class);
        }
        foreach ($classes as $class) {
            $this->commands[] = new $class($this);
        }
    }

    /** An exception GLPI does not catch: PHP reports it and exits 255. */
    private static function fatal(string $message): never
    {
        fwrite(STDERR, 'PHP Fatal error:  Uncaught Symfony\Component\Console\Exception\RuntimeException: ' . $message . "\n");
        exit(255);
    }
}
