<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The database options and configureDatabase() shared by db:install and db:configure, after
 * glpi-project/glpi src/Console/Database/AbstractConfigureCommand.php (10.0.x) and
 * src/Glpi/Console/Database/AbstractConfigureCommand.php (11.0.x):
 *   -H|--db-host (optional value, default "localhost"), -d|--db-name (required value), -p|--db-password
 *   (optional value; default "" in 10.0.x, none in 11.0.x; given without value = prompt), -P|--db-port,
 *   -u|--db-user (required value), -r|--reconfigure, --strict-configuration.
 * Exit codes: 1 connection failed, 2 engine unsupported, 3 configuration already set, 4 file not saved.
 * Order of configureDatabase(): refuse an existing config_db.php without --reconfigure (3), refuse empty
 * name/user or a null password (InvalidArgumentException, exit 1), show host/name/user and ask to continue,
 * connect (1), check the engine (2), compute the flags (strict for a new database, from it otherwise), check
 * time zones, write config_db.php (4).
 */
namespace Standin\Command;

use Standin\ConsoleException;
use Standin\Database;
use Standin\InputOption;
use Standin\Release;

abstract class AbstractConfigure extends Command
{
    public bool $forcesNoPlugins = true;

    public const ERROR_DB_CONNECTION_FAILED = 1;
    public const ERROR_DB_ENGINE_UNSUPPORTED = 2;
    public const ERROR_DB_CONFIG_ALREADY_SET = 3;
    public const ERROR_DB_CONFIG_FILE_NOT_SAVED = 4;

    public bool $requiresDbUpToDate = false;

    protected function configure(): void
    {
        $this->option('db-host', 'H', InputOption::VALUE_OPTIONAL, 'localhost');
        $this->option('db-name', 'd', InputOption::VALUE_REQUIRED);
        $this->option('db-password', 'p', InputOption::VALUE_OPTIONAL, Release::isEleven() ? null : '');
        $this->option('db-port', 'P', InputOption::VALUE_OPTIONAL);
        $this->option('db-user', 'u', InputOption::VALUE_REQUIRED);
        $this->option('reconfigure', 'r', InputOption::VALUE_NONE);
        $this->option('strict-configuration', null, InputOption::VALUE_NONE);
    }

    /** These commands connect themselves (AbstractConfigureCommand::initDbConnection() does nothing). */
    protected function initialize(): void
    {
    }

    /** Prompt for db-name, db-user and a password given without value (interactive runs only). */
    protected function interact(): void
    {
        $prompts = ['db-name' => 'Database name:', 'db-user' => 'Database user:', 'db-password' => 'Database password:'];
        foreach ($prompts as $name => $question) {
            if ($this->input->getOption($name) === null) {
                $this->input->setOption($name, $this->questions->ask($question, ''));
            }
        }
    }

    protected function isDbAlreadyConfigured(): bool
    {
        return Database::isConfigured();
    }

    /** Writes config_db.php; returns the connection to the server (no database selected) and the flags. */
    protected function configureDatabase(bool $compute_flags_from_db): array
    {
        $password = $this->input->getOption('db-password');
        $host = (string) $this->input->getOption('db-host');
        $name = $this->input->getOption('db-name');
        $port = $this->input->getOption('db-port');
        $user = $this->input->getOption('db-user');
        $hostport = $host . (!empty($port) ? ':' . $port : '');

        if (Database::isConfigured() && !$this->input->getOption('reconfigure')) {
            throw new EarlyExit(
                '<error>Database configuration already exists. Use --reconfigure option to override existing configuration.</error>',
                self::ERROR_DB_CONFIG_ALREADY_SET
            );
        }
        if (empty($name)) {
            throw new ConsoleException('Database name defined by --db-name option cannot be empty.');
        }
        if (empty($user)) {
            throw new ConsoleException('Database user defined by --db-user option cannot be empty.');
        }
        if ($password === null) {
            throw new ConsoleException('--db-password option value cannot be null.');
        }
        $this->output->table([['Database host', $hostport], ['Database name', $name], ['Database user', $user]]);
        $this->askForConfirmation();

        $mysqli = Database::connectRaw($host, $user, (string) $password, $port);
        if ($mysqli->connect_errno !== 0) {
            throw new EarlyExit(sprintf(
                '<error>Database connection failed with message "(%s) %s".</error>',
                $mysqli->connect_errno,
                $mysqli->connect_error
            ), self::ERROR_DB_CONNECTION_FAILED);
        }
        $db_exists = @$mysqli->select_db($name);
        [$supported, $version] = Database::engine($mysqli);
        if (!$supported) {
            throw new EarlyExit(sprintf('<error>Your database engine version seems too old: %s.</error>', $version), self::ERROR_DB_ENGINE_UNSUPPORTED);
        }
        $flags = (!$db_exists || $this->input->getOption('strict-configuration') || !$compute_flags_from_db)
            ? ['use_utf8mb4' => true, 'allow_myisam' => false, 'allow_datetime' => false, 'allow_signed_keys' => false]
            : $this->flagsFromDatabase($mysqli, $name);
        $flags['log_deprecation_warnings'] = (bool) $this->input->getOption('strict-configuration');
        $flags['use_timezones'] = !($flags['allow_datetime'] ?? true) && $this->timezonesAvailable($mysqli);

        $this->output->writeln('<comment>Saving configuration file...</comment>', \Standin\Output::VERBOSE);
        if (!Database::writeConfig($hostport, $user, (string) $password, $name, $flags)) {
            throw new EarlyExit(sprintf(
                '<error>Cannot write configuration file "%s".</error>',
                Database::configPath()
            ), self::ERROR_DB_CONFIG_FILE_NOT_SAVED);
        }
        return [$mysqli, $flags];
    }

    /**
     * DBmysql::getComputedConfigBooleanFlags(), reduced to what the stand-in's schema can show: the tables
     * are utf8mb4 InnoDB with timestamps and unsigned keys once GLPI created them.
     */
    private function flagsFromDatabase(\mysqli $mysqli, string $name): array
    {
        $tables = Database::glpiTables($mysqli, $name);
        $flags = ['use_utf8mb4' => true, 'allow_myisam' => false, 'allow_datetime' => false, 'allow_signed_keys' => false];
        if (!$tables) {
            return $flags;
        }
        $stmt = $mysqli->prepare("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'glpi\\_%' AND (table_collation NOT LIKE 'utf8mb4%' OR engine = 'MyISAM')");
        $stmt->bind_param('s', $name);
        $stmt->execute();
        if ((int) $stmt->get_result()->fetch_row()[0] > 0) {
            $flags['use_utf8mb4'] = false;
            $flags['allow_myisam'] = true;
        }
        return $flags;
    }

    /** checkTimezonesAvailability(): problems are shown; interactive runs ask to continue. */
    private function timezonesAvailable(\mysqli $mysqli): bool
    {
        $problems = Database::timezoneProblems($mysqli);
        if (!$problems) {
            return true;
        }
        $this->output->writeln(
            '<comment>Timezones usage cannot be activated due to following errors:' . "\n - " . implode("\n - ", $problems) . '</comment>',
            \Standin\Output::QUIET
        );
        if (!$this->input->interactive) {
            $this->output->writeln('<comment>Fix them and run the "php bin/console database:enable_timezones" command to enable timezones.</comment>', \Standin\Output::QUIET);
        } else {
            $this->askForConfirmation();
        }
        return false;
    }
}
