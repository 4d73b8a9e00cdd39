<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The plugin states GLPI keeps in glpi_plugins and the checks that move them, after glpi-project/glpi
 * src/Plugin.php (10.0.x):
 *  - getInformationsFromDirectory(): plugin_version_<key>() of the first plugin directory holding
 *    <key>/setup.php (GLPI_MARKETPLACE_DIR, then GLPI_ROOT/plugins: PLUGINS_DIRECTORIES);
 *  - checkStates(false) from init(), run by the 10.0.x console at start (src/Console/Application.php
 *    __construct, usePlugins()): each ACTIVATED plugin goes through checkPluginState():
 *      files of another version  -> NOTUPDATED, its row takes the files' version, warning 'Plugin "%s" version
 *                                   changed. It has been deactivated as its update process has to be launched.'
 *      plugin_<key>_check_config() false -> TOBECONFIGURED, warning 'Plugin "%s" must be configured.'
 *      checkVersions() (requirements.glpi.min <= GLPI_VERSION < max) or plugin_<key>_check_prerequisites()
 *      false -> unactivate(): NOTACTIVATED, warning 'Plugin "%s" prerequisites are not matched. It has been
 *                                   deactivated.'
 *    A plugin whose files cannot be read is left to plugin:activate (Command/Plugin.php).
 *  - activate(): the plugin's csrf_compliant hook (10.0.x; not modelled for 11.0.x, unverified), its
 *    check_prerequisites, then its check_config; refusals are session messages.
 * States: ACTIVATED 1, NOTINSTALLED 2, TOBECONFIGURED 3, NOTACTIVATED 4, TOBECLEANED 5, NOTUPDATED 6.
 *
 * 11.0.x suspends the plugins' execution instead of deactivating them (glpi-project/glpi 11.0 src/Plugin.php,
 * src/Glpi/Kernel/Listener/PostBootListener/CheckPluginsStates.php, src/Update.php; GLPI PRs #19985, #20279):
 *  - glpi_configs core plugins_execution_mode: 'on' (EXECUTION_MODE_ON), 'suspended_by_update',
 *    'suspended_manually'; a missing value is not suspended (isPluginsExecutionSuspended());
 *  - every console run boots the kernel, whose CheckPluginsStates listener (database reachable, glpi_plugins
 *    present) calls Plugin::checkStates(): nothing while suspended; when Update::isUpdateMandatory() (the code is
 *    newer than the database; with GLPI_SKIP_UPDATES only a new intermediate version) and glpi_plugins has rows,
 *    it writes 'suspended_by_update' and checks no plugin; otherwise the ACTIVATED plugins are checked as in 10.0;
 *  - the plugins keep their state (ACTIVATED stays 1): db:update deactivates nothing (Schema::migrate) and resumes
 *    only a 'suspended_by_update' whose update stays in the same intermediate version (11.0.x -> 11.0.y);
 *  - plugin:resume_execution / plugin:suspend_execution write 'on' / 'suspended_manually' (PluginExecution.php);
 *  - while suspended, checkPluginState(), activate(), install()... throw a RuntimeException.
 */
namespace Standin;

final class Plugins
{
    public const ACTIVATED = 1;
    public const TOBECONFIGURED = 3;
    public const NOTACTIVATED = 4;
    public const TOBECLEANED = 5;
    public const NOTUPDATED = 6;

    /** plugin_version_<key>() of the first plugin directory holding it; null when not loadable. */
    public static function information(string $directory): ?array
    {
        if (!preg_match('/^[a-z0-9]+$/i', $directory)) {
            return null;
        }
        foreach ([GLPI_MARKETPLACE_DIR, GLPI_ROOT . '/plugins'] as $base) {
            $setup = "$base/$directory/setup.php";
            if (is_file($setup)) {
                include_once $setup;
                $function = "plugin_version_$directory";
                return function_exists($function) ? (array) $function() : null;
            }
        }
        return null;
    }

    /** Plugin::init() -> checkStates(false): the ACTIVATED plugins checked, as the 10.0.x console does at start. */
    public static function checkActivated(\mysqli $db): void
    {
        if (!$db->query("SHOW TABLES LIKE 'glpi_plugins'")->num_rows) {
            return;  // not installed yet: nothing known
        }
        foreach ($db->query('SELECT id, directory, version FROM glpi_plugins WHERE state = ' . self::ACTIVATED)->fetch_all(MYSQLI_ASSOC) as $row) {
            $info = self::information($row['directory']);
            if ($info === null) {
                continue;
            }
            if ((string) ($info['version'] ?? '') !== (string) $row['version']) {
                trigger_error(sprintf('Plugin "%s" version changed. It has been deactivated as its update process has to be launched.', $row['directory']), E_USER_WARNING);
                $stmt = $db->prepare('UPDATE glpi_plugins SET version = ?, state = ? WHERE id = ?');
                $version = (string) ($info['version'] ?? '');
                $state = self::NOTUPDATED;
                $id = (int) $row['id'];
                $stmt->bind_param('sii', $version, $state, $id);
                $stmt->execute();
                continue;
            }
            if (!self::configOk($row['directory'])) {
                trigger_error(sprintf('Plugin "%s" must be configured.', $row['directory']), E_USER_WARNING);
                self::setState($db, (int) $row['id'], self::TOBECONFIGURED);
                continue;
            }
            if (!self::glpiVersionOk($info) || !self::prerequisitesOk($row['directory'])) {
                trigger_error(sprintf('Plugin "%s" prerequisites are not matched. It has been deactivated.', $row['directory']), E_USER_WARNING);
                self::setState($db, (int) $row['id'], self::NOTACTIVATED);
            }
        }
    }

    public const EXECUTION_MODE_ON = 'on';
    public const EXECUTION_MODE_SUSPENDED_BY_UPDATE = 'suspended_by_update';
    public const EXECUTION_MODE_SUSPENDED_MANUALLY = 'suspended_manually';

    /** 11.0.x Plugin::isPluginsExecutionSuspended(): $CFG_GLPI['plugins_execution_mode'] one of the suspended modes. */
    public static function executionSuspended(\mysqli $db): bool
    {
        return Release::isEleven() && in_array(
            Database::coreConfig($db)['plugins_execution_mode'] ?? null,
            [self::EXECUTION_MODE_SUSPENDED_BY_UPDATE, self::EXECUTION_MODE_SUSPENDED_MANUALLY],
            true
        );
    }

    /**
     * 11.0.x CheckPluginsStates::onPostBoot() -> Plugin::checkStates(): suspends on a pending update, else checks
     * the ACTIVATED plugins.
     */
    public static function checkStates(\mysqli $db): void
    {
        if (!$db->query("SHOW TABLES LIKE 'glpi_plugins'")->num_rows || self::executionSuspended($db)) {
            return;
        }
        if (self::updateMandatory($db) && (int) $db->query('SELECT COUNT(*) FROM glpi_plugins')->fetch_row()[0] > 0) {
            // Direct DB query (DBmysql::updateOrInsert), no CommonDBTM hooks.
            Database::setCoreConfig($db, ['plugins_execution_mode' => self::EXECUTION_MODE_SUSPENDED_BY_UPDATE]);
            return;
        }
        self::checkActivated($db);
    }

    /** 11.0.x Update::isUpdateMandatory(). */
    private static function updateMandatory(\mysqli $db): bool
    {
        $config = Database::coreConfig($db);
        if (GLPI_SKIP_UPDATES) {
            return Release::intermediate($config['version'] ?? '0.0.0-dev') !== Release::intermediate(GLPI_VERSION);
        }
        return !Release::isDbUpToDate($config['dbversion'] ?? null);
    }

    /** Plugin::activate(): null when activated, else the session messages of its refusal. */
    public static function activate(\mysqli $db, int $id, string $directory, string $name): ?array
    {
        global $PLUGIN_HOOKS;
        $init = "plugin_init_$directory";
        if (function_exists($init)) {
            $init();
        }
        if (!Release::isEleven() && empty($PLUGIN_HOOKS['csrf_compliant'][$directory])) {
            return [sprintf('Plugin %1$s is not CSRF compliant!', $name)];
        }
        if (!self::prerequisitesOk($directory, $why)) {
            // The message carries what check_prerequisites echoed; the console prints session messages without tags
            // (AbstractCommand::outputSessionBufferedMessages, strip_tags).
            return ['Plugin prerequisites are not matching, it cannot be activated. ' . strip_tags($why)];
        }
        if (!self::configOk($directory)) {
            return ['Plugin configuration must be done, it cannot be activated.'];
        }
        self::setState($db, $id, self::ACTIVATED);
        return null;
    }

    /** checkGlpiVersion(): min <= GLPI_VERSION < max. */
    private static function glpiVersionOk(array $info): bool
    {
        $glpi = $info['requirements']['glpi'] ?? [];
        return (!isset($glpi['min']) || version_compare(GLPI_VERSION, $glpi['min'], '>='))
            && (!isset($glpi['max']) || version_compare(GLPI_VERSION, $glpi['max'], '<'));
    }

    private static function prerequisitesOk(string $directory, ?string &$why = null): bool
    {
        $function = "plugin_{$directory}_check_prerequisites";
        ob_start();
        $ok = !function_exists($function) || $function();
        $why = (string) ob_get_clean();
        return (bool) $ok;
    }

    private static function configOk(string $directory): bool
    {
        $function = "plugin_{$directory}_check_config";
        return !function_exists($function) || $function();
    }

    public static function setState(\mysqli $db, int $id, int $state): void
    {
        $db->query(sprintf('UPDATE glpi_plugins SET state = %d WHERE id = %d', $state, $id));
    }
}
