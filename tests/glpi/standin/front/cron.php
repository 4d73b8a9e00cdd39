<?php
/*
 * GLPI STAND-IN automatic actions (sitekit tests) -- this is NOT GLPI's front/cron.php.
 * From the command line (the system cron) it does what glpi-project/glpi front/cron.php does:
 *  10.0.x (front/cron.php + inc/config.php): no config_db.php -> 3 lines, exit 1; database unreachable ->
 *   exit 1; maintenance mode or a database older than the code -> a message and exit 0 (plain exit());
 *   GLPI_LOCK_DIR not writable -> exit 1;
 *  11.0.x (front/cron.php): root without --allow-superuser -> exit 1 before anything; every refusal above
 *   exits 1;
 *  then: no argument -> CronTask::launch(MODE_EXTERNAL, cron_limit); a number N -> up to N CLI tasks;
 *   a task name -> that task if it is due and in CLI mode; "--force" before names -> those tasks whatever
 *   their mode and schedule. Only tasks in CLI mode (mode 2) run without --force: GLPI installs most tasks
 *   in GLPI mode (1, run by browsers) unless GLPI_SYSTEM_CRON was set at install or update.
 * From the web (GLPI mode) it launches one internal-mode task.
 * Which tasks ran is recorded in GLPI's cron.log and in the stand-in's standin-cron.log.
 */
define('GLPI_ROOT', dirname(__DIR__));
chdir(__DIR__);
$standin_cli = PHP_SAPI === 'cli';
$standin_args = $standin_cli ? array_slice($_SERVER['argv'], 1) : [];
$standin_eleven = str_contains((string) @file_get_contents(GLPI_ROOT . '/inc/define.php'), "define('GLPI_VERSION', '11.");
$standin_root = function_exists('posix_geteuid') && posix_geteuid() === 0;
$standin_root_warning = "\tWARNING: running as root is discouraged.\n"
    . "\tYou should run the script as the same user that your web server runs as to avoid file permissions being ruined.\n";
if ($standin_cli && $standin_eleven && $standin_root && !in_array('--allow-superuser', $standin_args, true)) {
    echo $standin_root_warning . "\tUse --allow-superuser option to bypass this limitation.\n";
    exit(1);
}
require_once GLPI_ROOT . '/inc/based_config.php';

$standin_stop = function (string $message, int $code_10, int $code_11) use ($standin_eleven): never {
    echo $message . "\n";
    exit($standin_eleven ? $code_11 : $code_10);
};
if ($standin_cli && $standin_eleven && $standin_root) {
    echo $standin_root_warning;
}
$standin_config = Standin\Database::configured();
if ($standin_config === null) {
    $standin_stop($standin_eleven
        ? sprintf('ERROR: The database configuration file "%s" is missing or is corrupted. You have to either restart the install process, or restore this file.', Standin\Database::configPath())
        : "GLPI seems to not be configured properly.\n"
            . sprintf('Database configuration file "%s" is missing or is corrupted.', Standin\Database::configPath()) . "\n"
            . 'You have to either restart the install process, either restore this file.', 1, 1);
}
$standin_db = Standin\Database::connect($standin_config);
if ($standin_db === null) {
    $standin_stop($standin_eleven
        ? 'ERROR: The connection to the SQL server could not be established. Please check your configuration.'
        : "A link to the SQL server could not be established. Please check your configuration.\nLe serveur Mysql est inaccessible. Vérifiez votre configuration.", 1, 1);
}
$standin_cfg = Standin\Database::coreConfig($standin_db);
if (!$standin_cfg) {
    $standin_stop($standin_eleven ? 'ERROR: Unable to load the GLPI configuration from the database.' : 'Error accessing config table', 0, 1);
}
if (!empty($standin_cfg['maintenance_mode'])) {
    $standin_stop('Service is down for maintenance. It will be back shortly.', 0, 1);
}
if (!Standin\Release::isDbUpToDate($standin_cfg['dbversion'] ?? null) && !($standin_eleven && GLPI_SKIP_UPDATES)) {
    $standin_stop('The GLPI codebase has been updated. The update of the GLPI database is necessary.', 0, 1);
}
if (!is_writable(GLPI_LOCK_DIR)) {
    echo $standin_eleven
        ? "\t" . sprintf('ERROR: %s is not writable.', GLPI_LOCK_DIR) . "\n\tRun the script as the same user that your web server runs as.\n"
        : "\t" . sprintf('ERROR: %s is not writable', GLPI_LOCK_DIR) . "\n\trun script as apache user\n";
    exit(1);
}

$standin_ran = [];
if (!$standin_cli) {
    header('Content-Type: image/gif');
    $standin_ran = Standin\Cron::launch($standin_db, Standin\DefaultData::MODE_INTERNAL, 1);
} elseif ($standin_args) {
    $standin_mode = Standin\DefaultData::MODE_EXTERNAL;
    foreach ($standin_args as $standin_arg) {
        if ($standin_arg === '--force') {
            $standin_mode = -Standin\DefaultData::MODE_EXTERNAL;
        } elseif (is_numeric($standin_arg)) {
            $standin_ran = array_merge($standin_ran, Standin\Cron::launch($standin_db, Standin\DefaultData::MODE_EXTERNAL, (int) $standin_arg));
            break;
        } else {
            $standin_ran = array_merge($standin_ran, Standin\Cron::launch($standin_db, $standin_mode, 1, $standin_arg));
        }
    }
} else {
    $standin_ran = Standin\Cron::launch($standin_db, Standin\DefaultData::MODE_EXTERNAL, (int) ($standin_cfg['cron_limit'] ?? 5));
}
Standin\Log::call('cron', $standin_args, ['mode' => $standin_cli ? 'CLI' : 'GLPI', 'ran' => $standin_ran]);
