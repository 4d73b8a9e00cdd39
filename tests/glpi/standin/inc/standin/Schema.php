<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Schema creation and update, following glpi-project/glpi:
 *  - Toolbox::createSchema() (10.0.x src/Toolbox.php, 11.0.x src/Toolbox.php): run install/mysql/glpi-empty.sql,
 *    insert install/empty_data.php rows, store language/version/dbversion in glpi_configs, then, when the
 *    downstream GLPI_SYSTEM_CRON constant is set (10.0.x: defined(); 11.0.x: true), switch every task
 *    except "watcher" whose allowmode includes CLI to mode 2 (CLI);
 *  - Update::doUpdates() (10.0.x src/Update.php): deactivate every active plugin (Plugin::unactivateAll; 11.0.x
 *    deactivates none: the boot suspended their execution, Plugins.php),
 *    refuse a database newer than the code ("Unsupported version (%s)", die(1)), run the migrations, store
 *    the new version/dbversion/language (LEAVE AT THE END), apply GLPI_SYSTEM_CRON again;
 *  - DBmysql::doQueryOrDie(): a failed migration query in CLI is a RuntimeException; the version stays.
 *  - 11.0.x: the 10.0.x -> 11.0.0 migration adds core plugins_execution_mode 'on'
 *    (install/migrations/update_10.0.x_to_11.0.0/configs.php, Migration::addConfig: only a value not stored yet,
 *    src/Migration.php storeConfig()), so a 'suspended_by_update' written by the boot stays; at the end
 *    (src/Update.php doUpdates()) a 'suspended_by_update' is set back to 'on' when the database's version before
 *    the update and GLPI_VERSION have the same intermediate version (11.0.x -> 11.0.y), never otherwise.
 */
namespace Standin;

final class Schema
{
    /** What 10.0.x createSchema() prints when glpi-empty.sql fails (InstallCommand then exits 7). */
    public const SQL_FILE_ERROR = 'Errors occurred inserting default database';

    /** @throws \RuntimeException on any failed statement (the caller maps it to GLPI's exit code) */
    public static function create(\mysqli $db, string $language): void
    {
        foreach (self::statements() as $sql) {
            Database::queryOrDie($db, $sql, self::SQL_FILE_ERROR);
        }
        $stmt = $db->prepare('INSERT INTO glpi_crontasks (id, itemtype, name, frequency, param, state, mode, logs_lifetime) VALUES (?, ?, ?, ?, ?, ?, ?, 30)');
        foreach (DefaultData::CRONTASKS as [$id, $itemtype, $name, $frequency, $param, $state, $mode]) {
            $stmt->bind_param('issiiii', $id, $itemtype, $name, $frequency, $param, $state, $mode);
            Database::check($db, $stmt->execute(), 'glpi_crontasks');
        }
        $stmt = $db->prepare('INSERT INTO glpi_users (id, name, password, language, list_limit, authtype) VALUES (?, ?, ?, ?, 20, 1)');
        foreach (DefaultData::USERS as [$id, $login, $password, $user_language]) {
            $hash = $password === null ? '' : password_hash($password, PASSWORD_DEFAULT); // Auth::getPasswordHash()
            $stmt->bind_param('isss', $id, $login, $hash, $user_language);
            Database::check($db, $stmt->execute(), 'glpi_users');
        }
        Database::setCoreConfig($db, DefaultData::configs($language));
        self::applySystemCron($db);
    }

    /**
     * Update::doUpdates(). Returns nothing; a refused downgrade exits 1 like GLPI's die(1).
     *
     * @throws \RuntimeException when a migration query fails
     */
    public static function migrate(\mysqli $db, string $current_version, string $language, Output $output): void
    {
        if (!Release::isEleven()) {
            $db->query('UPDATE glpi_plugins SET state = 4 WHERE state = 1'); // Plugin::NOTACTIVATED / ACTIVATED
        }
        if (version_compare(Release::normalized($current_version), Release::normalized(GLPI_VERSION), '>')) {
            echo sprintf('Unsupported version (%1$s)', $current_version) . "\n";
            exit(1);
        }
        $existing = Database::glpiTables($db, $db->query('SELECT DATABASE()')->fetch_row()[0]);
        foreach (self::statements() as $sql) {
            // A migration creates what this release adds; tables that exist are left as they are.
            if (preg_match('/^CREATE TABLE `(glpi_\w+)`/', $sql, $m) && !in_array($m[1], $existing, true)) {
                $output->writeln(sprintf('<comment>Creating table %s</comment>', $m[1]), Output::VERBOSE);
                Database::queryOrDie($db, $sql, sprintf('Add table %s', $m[1]));
            }
        }
        if (STANDIN_FAILING_UPDATE) {
            Database::queryOrDie($db, 'CREATE TABLE IF NOT EXISTS `glpi_standin_halfway` (`id` int unsigned NOT NULL) ENGINE=InnoDB', 'Prepare migration');
            Database::queryOrDie($db, 'ALTER TABLE `glpi_standin_missing` ADD `x` int NOT NULL', 'Alter table');
        }
        $before = Database::coreConfig($db);
        if (Release::isEleven() && version_compare(Release::normalized($current_version), '11.0.0', '<')
            && !array_key_exists('plugins_execution_mode', $before)) {
            Database::setCoreConfig($db, ['plugins_execution_mode' => Plugins::EXECUTION_MODE_ON]);
        }
        Database::setCoreConfig($db, [
            'version' => GLPI_VERSION,
            'dbversion' => GLPI_SCHEMA_VERSION,
            'language' => $language,
            'founded_new_version' => '',
        ]);
        self::applySystemCron($db);
        if (Release::isEleven()
            && (Database::coreConfig($db)['plugins_execution_mode'] ?? null) === Plugins::EXECUTION_MODE_SUSPENDED_BY_UPDATE
            && Release::intermediate($current_version) === Release::intermediate(GLPI_VERSION)) {
            // "Resume plugins execution if it was previously suspended by a GLPI codebase update."
            Database::setCoreConfig($db, ['plugins_execution_mode' => Plugins::EXECUTION_MODE_ON]);
            $output->writeln('<info>Execution of all active plugins has been resumed.</info>');
        }
    }

    /** Tables GLPI (here: the stand-in) expects for a version of its line. */
    public static function expectedTables(string $version): array
    {
        $sql = file_get_contents(GLPI_ROOT . '/install/mysql/glpi-empty.sql');
        preg_match_all('/^CREATE TABLE `(glpi_\w+)`/m', $sql, $m);
        $tables = $m[1];
        if (Release::isEleven() && !str_starts_with(Release::normalized($version), '11.')) {
            $tables = array_values(array_diff($tables, ['glpi_forms_forms']));
        }
        sort($tables);
        return $tables;
    }

    /** DatabaseSchemaIntegrityChecker, reduced to "every expected table exists". */
    public static function integrityProblems(\mysqli $db, string $version): array
    {
        $present = Database::glpiTables($db, $db->query('SELECT DATABASE()')->fetch_row()[0]);
        return array_map(
            fn ($t) => sprintf('Table schema differs for table "%s".', $t),
            array_values(array_diff(self::expectedTables($version), $present))
        );
    }

    public static function applySystemCron(\mysqli $db): void
    {
        if (Release::systemCron()) {
            Database::queryOrDie($db, "UPDATE glpi_crontasks SET mode = 2 WHERE name != 'watcher' AND (allowmode & 2)", '4203');
        }
    }

    /** @return string[] the SQL statements of install/mysql/glpi-empty.sql */
    private static function statements(): array
    {
        $sql = preg_replace('/^--.*$/m', '', file_get_contents(GLPI_ROOT . '/install/mysql/glpi-empty.sql'));
        $parts = array_map(fn ($s) => rtrim(trim($s), ';'), preg_split('/;\s*\n/', $sql));
        return array_values(array_filter($parts, fn ($s) => $s !== ''));
    }
}
