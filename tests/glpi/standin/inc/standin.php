<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Shared code of the stand-in archive built by tests/glpi/build_standin.py: it reads the
 * same inc/downstream.php + local_define.php as GLPI, so the role's directory layout is
 * exercised, and keeps GLPI's table names for the tables the role touches.
 */
define('GLPI_ROOT', dirname(__DIR__));
if (file_exists(GLPI_ROOT . '/inc/downstream.php')) {
    include_once GLPI_ROOT . '/inc/downstream.php';
}
defined('GLPI_CONFIG_DIR') || define('GLPI_CONFIG_DIR', GLPI_ROOT . '/config');
defined('GLPI_VAR_DIR') || define('GLPI_VAR_DIR', GLPI_ROOT . '/files');
defined('GLPI_LOG_DIR') || define('GLPI_LOG_DIR', GLPI_VAR_DIR . '/_log');
$standin_versions = glob(GLPI_ROOT . '/version/*');
define('GLPI_VERSION', basename($standin_versions[0]));

class DBmysql
{
}

/** Append one JSON line to GLPI_LOG_DIR/standin-<channel>.log; secrets are redacted. */
function standin_log(string $channel, array $args): void
{
    $clean = preg_replace('/^(--db-password=).*/', '$1***', $args);
    $user = function_exists('posix_geteuid') ? posix_getpwuid(posix_geteuid())['name'] : '?';
    $line = json_encode(['time' => date('c'), 'user' => $user, 'version' => GLPI_VERSION, 'args' => $clean]);
    file_put_contents(GLPI_LOG_DIR . "/standin-$channel.log", $line . "\n", FILE_APPEND | LOCK_EX);
}

/** Connection from GLPI_CONFIG_DIR/config_db.php (the file db:install writes), or null. */
function standin_db(): ?mysqli
{
    $file = GLPI_CONFIG_DIR . '/config_db.php';
    if (!is_readable($file)) {
        return null;
    }
    require_once $file;
    $db = new DB();
    return new mysqli($db->dbhost, $db->dbuser, $db->dbpassword, $db->dbdefault);
}
