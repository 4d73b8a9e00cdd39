<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * database:update (alias db:update), after glpi-project/glpi src/Console/Database/UpdateCommand.php (10.0.x)
 * and src/Glpi/Console/Database/UpdateCommand.php (11.0.x). Options: -u|--allow-unstable,
 * -s|--skip-db-checks, -f|--force, --enable-telemetry, --no-telemetry. Needs the configured database.
 * Exit codes: 3 no GLPI version in the database, 1 stable -> unstable without --allow-unstable, 2 the
 * glpicrypt.key the database expects is missing (with -n), 4 schema integrity check failed (before the
 * update with -n, or after it), 0 "No migration needed." when dbversion already matches; a database newer
 * than the code stops in Update::doUpdates() with "Unsupported version (x)" and exit 1; a failed migration
 * query is a RuntimeException (exit 1) that leaves version/dbversion as they were.
 */
namespace Standin\Command;

use Standin\Database;
use Standin\InputOption;
use Standin\Release;
use Standin\Schema;

final class Update extends Command
{
    public bool $forcesNoPlugins = true;

    public const ERROR_NO_UNSTABLE_UPDATE = 1;
    public const ERROR_MISSING_SECURITY_KEY_FILE = 2;
    public const ERROR_INVALID_DATABASE = 3;
    public const ERROR_DATABASE_INTEGRITY_CHECK_FAILED = 4;

    public bool $requiresDbUpToDate = false;

    public function name(): string
    {
        return 'database:update';
    }

    public function description(): string
    {
        return 'Update database schema to new version';
    }

    protected function configure(): void
    {
        $this->aliases = ['db:update'];
        $this->option('allow-unstable', 'u', InputOption::VALUE_NONE);
        $this->option('skip-db-checks', 's', InputOption::VALUE_NONE);
        $this->option('force', 'f', InputOption::VALUE_NONE);
        $this->option('enable-telemetry', null, InputOption::VALUE_NONE);
        $this->option('no-telemetry', null, InputOption::VALUE_NONE);
    }

    public function configurationFilesToUpdate(\Standin\Input $input): ?array
    {
        return file_exists(GLPI_CONFIG_DIR . '/glpicrypt.key') ? [] : ['glpicrypt.key'];
    }

    protected function initialize(): void
    {
        parent::initialize();
        $this->warnOnMissingOptionalRequirements();
    }

    protected function execute(): int
    {
        $db = $this->app->db();
        $name = $db->query('SELECT DATABASE()')->fetch_row()[0];
        $current = $this->currents($db, $name);
        if ($current['version'] === null) {
            $this->output->writeln(sprintf('<error>Current GLPI version not found for database named "%s". Update cannot be done.</error>', $name));
            return self::ERROR_INVALID_DATABASE;
        }
        $configured = \Standin\Database::configured();
        $this->output->table([
            ['Database host', $configured->dbhost, ''],
            ['Database name', $name, ''],
            ['Database user', $configured->dbuser, ''],
            ['GLPI version', $current['version'], GLPI_VERSION],
            ['GLPI database version', Release::normalized($current['dbversion']), Release::normalized(GLPI_SCHEMA_VERSION)],
        ], ['', 'Current', 'Target']);

        if (Release::isDbUpToDate($current['dbversion']) && !$this->input->getOption('force')) {
            $this->output->writeln('<info>No migration needed.</info>');
            return 0;
        }
        if (Release::isStable($current['version']) && !Release::isStable(GLPI_VERSION) && !$this->input->getOption('allow-unstable')) {
            $this->output->writeln(sprintf('<error>%s is not a stable release. Please upgrade manually or add --allow-unstable option.</error>', GLPI_VERSION), \Standin\Output::QUIET);
            return self::ERROR_NO_UNSTABLE_UPDATE;
        }
        $key = GLPI_CONFIG_DIR . '/glpicrypt.key';
        if (!file_exists($key) && version_compare(Release::normalized($current['version']), '9.4.6', '>=')) {
            $this->output->writeln(sprintf('<error>The key file "%s" used to encrypt/decrypt sensitive data is missing. You should retrieve it from your previous installation or encrypted data will be unreadable.</error>', $key), \Standin\Output::QUIET);
            if ($this->input->getOption('no-interaction')) {
                return self::ERROR_MISSING_SECURITY_KEY_FILE;
            }
        }
        $this->checkSchemaIntegrity($db, $current['version']);
        $this->askForConfirmation();

        Schema::migrate($db, $current['version'], $current['language'], $this->output);
        $this->output->writeln('<info>Migration done.</info>');
        $this->handleTelemetry($db);
        if ($this->input->getOption('skip-db-checks')) {
            $this->output->writeln('<comment>The database schema integrity check has been skipped.</comment>', \Standin\Output::QUIET);
        } elseif (Schema::integrityProblems($db, GLPI_VERSION)) {
            $this->output->writeln([
                '<error>The database schema is not consistent with the current GLPI version.</error>',
                '<error>It is recommended to run the "php bin/console database:check_schema_integrity" command to see the differences.</error>',
            ], \Standin\Output::QUIET);
            return self::ERROR_DATABASE_INTEGRITY_CHECK_FAILED;
        }
        return 0;
    }

    /** Update::getCurrents(): null version when the database holds no GLPI at all. */
    private function currents(\mysqli $db, string $name): array
    {
        $tables = Database::glpiTables($db, $name);
        if (!in_array('glpi_configs', $tables, true)) {
            $any = (int) $db->query('SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()')->fetch_row()[0];
            $version = $any > 0 ? '0.1' : null;
            return ['version' => $version, 'dbversion' => $version, 'language' => 'en_GB'];
        }
        $values = Database::coreConfig($db);
        $version = $values['version'] ?? null;
        return ['version' => $version, 'dbversion' => $values['dbversion'] ?? $version, 'language' => $values['language'] ?? 'en_GB'];
    }

    private function checkSchemaIntegrity(\mysqli $db, string $installed): void
    {
        if ($this->input->getOption('skip-db-checks')) {
            return;
        }
        $this->output->writeln('<comment>Checking database schema integrity...</comment>');
        if (!preg_match('/^1[01]\.0\./', Release::normalized($installed))) {
            $this->output->writeln(sprintf('<comment>Database schema integrity check skipped as version "%s" is not supported by checking process.</comment>', $installed), \Standin\Output::QUIET);
            return;
        }
        if (!Schema::integrityProblems($db, $installed)) {
            $this->output->writeln('<info>Database schema is OK.</info>');
            return;
        }
        $error = sprintf(
            'The database schema is not consistent with the installed GLPI version (%s). Run the "php bin/console database:check_schema_integrity" command to view found differences.',
            Release::normalized($installed)
        );
        if ($this->input->getOption('no-interaction')) {
            throw new EarlyExit('<error>' . $error . '</error>', self::ERROR_DATABASE_INTEGRITY_CHECK_FAILED);
        }
        $this->output->writeln('<error>' . $error . '</error>', \Standin\Output::QUIET);
    }
}
