<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Version constants (glpi-project/glpi 10.0.x inc/define.php, 11.0.x src/autoload/constants.php).
 * tests/glpi/build_standin.py writes the release into the two @...@ markers.
 */
define('GLPI_VERSION', '@STANDIN_VERSION@');
// A release whose database migration fails half-way (see Standin\Schema::migrate); for restore/upgrade tests.
define('STANDIN_FAILING_UPDATE', '@STANDIN_FAILING_UPDATE@' === 'yes');

// GLPI_SCHEMA_VERSION = version '@' sha1 of install/mysql/glpi-empty.sql, as both lines define it.
$standin_schema_file = GLPI_ROOT . '/install/mysql/glpi-empty.sql';
define(
    'GLPI_SCHEMA_VERSION',
    GLPI_VERSION . (is_readable($standin_schema_file) ? '@' . sha1_file($standin_schema_file) : '')
);
unset($standin_schema_file);

if (str_starts_with(GLPI_VERSION, '11.')) {
    // 11.0.x src/autoload/constants.php; GLPI_SYSTEM_CRON and GLPI_SKIP_UPDATES are valued constants
    // (false unless set), read with `if (GLPI_SYSTEM_CRON)` (Toolbox::createSchema, Update::doUpdates).
    define('GLPI_MIN_PHP', '8.2');
    define('GLPI_MAX_PHP', '8.5');
    defined('GLPI_SYSTEM_CRON') || define('GLPI_SYSTEM_CRON', false);
    defined('GLPI_SKIP_UPDATES') || define('GLPI_SKIP_UPDATES', false);
} else {
    // 10.0.x inc/define.php; GLPI_SYSTEM_CRON has no default there: 10.0.x only tests defined('GLPI_SYSTEM_CRON').
    define('GLPI_MIN_PHP', '7.4.0');
    define('GLPI_MAX_PHP', '8.4.0');
}
