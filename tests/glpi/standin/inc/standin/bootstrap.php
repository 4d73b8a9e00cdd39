<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Loads the stand-in's classes (inc/standin/); GLPI itself autoloads src/ through Composer.
 */
require_once __DIR__ . '/DBmysql.php';
foreach (['Input', 'Output', 'Log', 'Release', 'Database', 'Requirements', 'DefaultData', 'Schema', 'Cron', 'Plugins', 'Application'] as $standin_file) {
    require_once __DIR__ . "/$standin_file.php";
}
foreach (['Command', 'AbstractConfigure', 'Install', 'Configure', 'Update', 'CheckRequirements', 'CacheClear',
    'Maintenance', 'User', 'Plugin', 'PluginExecution', 'ListCommands'] as $standin_file) {
    require_once __DIR__ . "/Command/$standin_file.php";
}
unset($standin_file);
