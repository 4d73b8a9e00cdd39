<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * database:install (alias db:install), after glpi-project/glpi src/Console/Database/InstallCommand.php
 * (10.0.x) and src/Glpi/Console/Database/InstallCommand.php (11.0.x). Options: the database ones, plus
 * -L|--default-language (default en_GB), -f|--force, --enable-telemetry, --no-telemetry.
 * Exit codes: 3 config exists and the call carries db options without --reconfigure, 5 database creation
 * failed, 6 database already holds glpi_* tables (without --force), 7 schema creation failed, 8 security key
 * not writable, 9 utf8mb4-incompatible server; 1..4 from configureDatabase().
 * GLPI writes config_db.php BEFORE loading the schema, and regenerates glpicrypt.key on every run (10.0.x: an
 * existing key it cannot read back stops an install into the configured, reachable database with exit 8).
 * With an existing config_db.php and no db option, it installs into the configured database.
 */
namespace Standin\Command;

use Standin\Database;
use Standin\InputOption;
use Standin\Release;
use Standin\Schema;

final class Install extends AbstractConfigure
{
    public const ERROR_DB_CREATION_FAILED = 5;
    public const ERROR_DB_ALREADY_CONTAINS_TABLES = 6;
    public const ERROR_SCHEMA_CREATION_FAILED = 7;
    public const ERROR_CANNOT_CREATE_ENCRYPTION_KEY_FILE = 8;
    public const ERROR_INCOMPATIBLE_DB_CONFIG = 9;

    public function name(): string
    {
        return 'database:install';
    }

    public function description(): string
    {
        return 'Install database schema';
    }

    protected function configure(): void
    {
        parent::configure();
        $this->aliases = ['db:install'];
        $this->option('default-language', 'L', InputOption::VALUE_OPTIONAL, 'en_GB');
        $this->option('force', 'f', InputOption::VALUE_NONE);
        $this->option('enable-telemetry', null, InputOption::VALUE_NONE);
        $this->option('no-telemetry', null, InputOption::VALUE_NONE);
    }

    public function configurationFilesToUpdate(\Standin\Input $input): ?array
    {
        $files = ['glpicrypt.key']; // key is regenerated every time
        if (!Database::isConfigured() || $input->hasParameterOption(['--reconfigure'], true)) {
            $files[] = 'config_db.php';
        }
        return $files;
    }

    protected function initialize(): void
    {
        $this->warnOnMissingOptionalRequirements();
    }

    protected function interact(): void
    {
        if ($this->isDbAlreadyConfigured() && $this->hasConfigValues() && !$this->input->getOption('reconfigure')) {
            $this->input->setOption('reconfigure', $this->questions->confirm(
                "Command input contains configuration options that may override existing configuration.\nDo you want to reconfigure database? [Yes/no]",
                true
            ));
        }
        if (!$this->isDbAlreadyConfigured() || $this->input->getOption('reconfigure')) {
            parent::interact();
        }
    }

    protected function execute(): int
    {
        $force = $this->input->getOption('force');
        if ($this->isDbAlreadyConfigured() && $this->hasConfigValues() && !$this->input->getOption('reconfigure')) {
            $this->output->writeln('<error>Database configuration already exists. Use --reconfigure option to override existing configuration.</error>');
            return self::ERROR_DB_CONFIG_ALREADY_SET;
        }
        if (!$this->isDbAlreadyConfigured() || $this->input->getOption('reconfigure')) {
            $this->configureDatabase(false);
            $host = (string) $this->input->getOption('db-host');
            $port = $this->input->getOption('db-port');
            $name = $this->input->getOption('db-name');
            $user = $this->input->getOption('db-user');
            $password = (string) $this->input->getOption('db-password');
        } else {
            $db = Database::configured();
            $hostport = explode(':', (string) $db->dbhost);
            [$host, $port] = [$hostport[0], $hostport[1] ?? null];
            [$name, $user, $password] = [$db->dbdefault, $db->dbuser, rawurldecode($db->dbpassword)];
            $this->output->table([['Database host', $db->dbhost], ['Database name', $name], ['Database user', $user]]);
            $this->askForConfirmation();
        }

        // The global $DB GLPIKey::generate() looks at: the console's own connection when the existing configuration
        // is used, the configureDatabase() one (never connected) otherwise.
        $db_connected = $this->isDbAlreadyConfigured() && !$this->input->getOption('reconfigure') && $this->app->db() !== null;
        if (!$this->generateKey($db_connected)) {
            $this->output->writeln('<error>Security key cannot be generated!</error>', \Standin\Output::QUIET);
            return self::ERROR_CANNOT_CREATE_ENCRYPTION_KEY_FILE;
        }
        $mysqli = Database::connectRaw($host, $user, $password, $port);
        if ($mysqli->connect_errno !== 0) {
            $this->output->writeln(sprintf('<error>Database connection failed with message "(%s) %s".</error>', $mysqli->connect_errno, $mysqli->connect_error), \Standin\Output::QUIET);
            return self::ERROR_DB_CONNECTION_FAILED;
        }
        if ($problems = Database::utf8mb4Problems($mysqli)) {
            throw new EarlyExit("<error>Database configuration is not compatible with \"utf8mb4\" usage.</error>\n<error> - " . implode("</error>\n<error> - ", $problems) . '</error>', self::ERROR_INCOMPATIBLE_DB_CONFIG);
        }
        $mysqli->set_charset('utf8mb4');
        $this->output->writeln('<comment>Creating the database...</comment>', \Standin\Output::VERBOSE);
        if (!$mysqli->query('CREATE DATABASE IF NOT EXISTS `' . $mysqli->real_escape_string($name) . '`') || !$mysqli->select_db($name)) {
            $this->output->writeln(sprintf('<error>Database creation failed with message "(%s) %s".</error>', $mysqli->errno, $mysqli->error), \Standin\Output::QUIET);
            return self::ERROR_DB_CREATION_FAILED;
        }
        if (count(Database::glpiTables($mysqli, $name)) > 0 && !$force) {
            $this->output->writeln('<error>Database already contains "glpi_*" tables. Use --force option to override existing database.</error>');
            return self::ERROR_DB_ALREADY_CONTAINS_TABLES;
        }
        $this->output->writeln('<comment>Loading default schema...</comment>', \Standin\Output::VERBOSE);
        try {
            Schema::create($mysqli, (string) $this->input->getOption('default-language'));
        } catch (\RuntimeException $e) {
            if (Release::isEleven()) {
                $this->output->writeln(sprintf('<error>An error occurred during the database initialization. The error was: %s</error>', $e->getMessage()), \Standin\Output::QUIET);
                return self::ERROR_SCHEMA_CREATION_FAILED;
            }
            if (!str_starts_with($e->getMessage(), Schema::SQL_FILE_ERROR)) {
                throw $e; // 10.0.x: a failed default-data insert escapes createSchema() (exit 1)
            }
            $this->output->writeln('<error>' . Schema::SQL_FILE_ERROR . '</error>', \Standin\Output::QUIET);
            return self::ERROR_SCHEMA_CREATION_FAILED;
        }
        $this->output->writeln('<info>Installation done.</info>');
        $this->handleTelemetry($mysqli);
        return 0;
    }

    /** isInputContainingConfigValues(): any db option differing from its default. */
    private function hasConfigValues(): bool
    {
        foreach (['db-host', 'db-port', 'db-name', 'db-user', 'db-password'] as $option) {
            if ($this->input->getOption($option) !== $this->app->definitionOf($this, $option)->defaultValue()) {
                return true;
            }
        }
        return false;
    }

    /**
     * GLPIKey::generate(): a new 32-byte sodium key in GLPI_CONFIG_DIR/glpicrypt.key (no chmod). 10.0.x
     * src/GLPIKey.php: with a connected database, an existing key is read first (to re-encrypt the stored
     * secrets) and one GLPIKey::get() cannot use -- unreadable, or not SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_KEYBYTES
     * (32) bytes long -- stops the generation: db:install exits 8. 11.0.x is not modelled here (unverified).
     */
    private function generateKey(bool $db_connected): bool
    {
        $file = GLPI_CONFIG_DIR . '/glpicrypt.key';
        if ((file_exists($file) && !is_writable($file)) || (!file_exists($file) && !is_writable(dirname($file)))) {
            trigger_error(sprintf('Security key file path (%s) is not writable.', $file), E_USER_WARNING);
            return false;
        }
        if ($db_connected && !Release::isEleven() && file_exists($file)) {
            $previous = is_readable($file) ? @file_get_contents($file) : false;
            if ($previous === false) {
                trigger_error('Unable to get security key file contents.', E_USER_WARNING);
                return false;
            }
            if (strlen($previous) !== 32) {
                trigger_error('Invalid security key file contents.', E_USER_WARNING);
                return false;
            }
        }
        $key = function_exists('sodium_crypto_aead_chacha20poly1305_ietf_keygen')
            ? sodium_crypto_aead_chacha20poly1305_ietf_keygen()
            : random_bytes(32);
        return @file_put_contents($file, $key) === strlen($key);
    }
}
