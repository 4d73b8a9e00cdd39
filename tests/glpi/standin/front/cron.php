<?php
/* GLPI STAND-IN automatic actions (sitekit tests) -- this is NOT GLPI's front/cron.php. */
require dirname(__DIR__) . '/inc/standin.php';
if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit;
}
standin_log('cron', array_slice($argv, 1));
