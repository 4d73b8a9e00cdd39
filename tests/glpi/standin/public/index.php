<?php
/*
 * GLPI STAND-IN front page (sitekit tests) -- this is NOT GLPI.
 * GLPI's router (public/index.php, 10.0.7+) serves every URL; the stand-in answers with its version, the
 * database's and the requested path, and says what GLPI's inc/config.php would show instead of the
 * application: missing config_db.php, unreachable database, maintenance mode, a database older than the
 * code ("update necessary") or newer ("outdated files").
 */
define('GLPI_ROOT', dirname(__DIR__));
require_once GLPI_ROOT . '/inc/based_config.php';

if (parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) === '/front/cron.php') {
    require GLPI_ROOT . '/front/cron.php';
    exit;
}
header('Content-Type: text/plain; charset=utf-8');
echo 'GLPI STAND-IN ' . GLPI_VERSION . " (sitekit test archive, not GLPI)\n";
$config = Standin\Database::configured();
$db = $config === null ? null : Standin\Database::connect($config);
if ($config === null) {
    echo "GLPI seems to not be configured properly.\n";
} elseif ($db === null) {
    echo "A link to the SQL server could not be established. Please check your configuration.\n";
} else {
    $values = Standin\Database::coreConfig($db);
    echo 'database version: ' . ($values['version'] ?? '') . "\n";
    if (!empty($values['maintenance_mode'])) {
        echo "MAINTENANCE MODE\n";
    } elseif (!Standin\Release::isDbUpToDate($values['dbversion'] ?? null)) {
        echo version_compare(Standin\Release::normalized($values['version'] ?? '0'), Standin\Release::normalized(GLPI_VERSION), '>')
            ? "You are trying to use GLPI with outdated files compared to the version of the database.\n"
            : "The GLPI codebase has been updated. The update of the GLPI database is necessary.\n";
    }
}
echo 'path: ' . ($_SERVER['REQUEST_URI'] ?? '') . "\n";
