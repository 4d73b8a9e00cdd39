<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * GLPI_* path constants, resolved in GLPI's order (glpi-project/glpi 10.0.x inc/based_config.php,
 * the anonymous function; 11.0.x keeps the same files and order):
 *   1. server environment variables (getenv) for every customisable constant;
 *   2. GLPI_ROOT/config/local_define.php;
 *   3. GLPI_ROOT/inc/downstream.php (where packagers define GLPI_CONFIG_DIR, GLPI_SYSTEM_CRON...);
 *   4. defaults, "{GLPI_VAR_DIR}" references resolved after the plain ones.
 */
defined('GLPI_ROOT') || define('GLPI_ROOT', dirname(__DIR__));

(function (): void {
    $constants = [
        'GLPI_CONFIG_DIR'      => GLPI_ROOT . '/config',
        'GLPI_VAR_DIR'         => GLPI_ROOT . '/files',
        'GLPI_MARKETPLACE_DIR' => GLPI_ROOT . '/marketplace',
        'GLPI_DOC_DIR'         => '{GLPI_VAR_DIR}',
        'GLPI_CACHE_DIR'       => '{GLPI_VAR_DIR}/_cache',
        'GLPI_CRON_DIR'        => '{GLPI_VAR_DIR}/_cron',
        'GLPI_DUMP_DIR'        => '{GLPI_VAR_DIR}/_dumps',
        'GLPI_GRAPH_DIR'       => '{GLPI_VAR_DIR}/_graphs',
        'GLPI_LOCAL_I18N_DIR'  => '{GLPI_VAR_DIR}/_locales',
        'GLPI_LOCK_DIR'        => '{GLPI_VAR_DIR}/_lock',
        'GLPI_LOG_DIR'         => '{GLPI_VAR_DIR}/_log',
        'GLPI_PICTURE_DIR'     => '{GLPI_VAR_DIR}/_pictures',
        'GLPI_PLUGIN_DOC_DIR'  => '{GLPI_VAR_DIR}/_plugins',
        'GLPI_RSS_DIR'         => '{GLPI_VAR_DIR}/_rss',
        'GLPI_SESSION_DIR'     => '{GLPI_VAR_DIR}/_sessions',
        'GLPI_TMP_DIR'         => '{GLPI_VAR_DIR}/_tmp',
        'GLPI_UPLOAD_DIR'      => '{GLPI_VAR_DIR}/_uploads',
        'GLPI_INVENTORY_DIR'   => '{GLPI_VAR_DIR}/_inventories',
    ];
    foreach (array_keys($constants) as $name) {
        if (!defined($name) && ($value = getenv($name)) !== false) {
            define($name, $value);
        }
    }
    if (file_exists(GLPI_ROOT . '/config/local_define.php')) {
        require_once GLPI_ROOT . '/config/local_define.php';
    }
    if (file_exists(GLPI_ROOT . '/inc/downstream.php')) {
        include_once GLPI_ROOT . '/inc/downstream.php';
    }
    foreach ($constants as $name => $value) {
        if (!defined($name) && !str_contains($value, '{')) {
            define($name, $value);
        }
    }
    foreach ($constants as $name => $value) {
        if (!defined($name)) {
            define($name, preg_replace_callback(
                '/\{(GLPI_\w+)\}/',
                fn (array $m) => defined($m[1]) ? constant($m[1]) : '',
                $value
            ));
        }
    }
})();

require_once GLPI_ROOT . '/inc/define.php';
require_once GLPI_ROOT . '/inc/standin/bootstrap.php';
