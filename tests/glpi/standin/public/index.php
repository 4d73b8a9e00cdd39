<?php
/* GLPI STAND-IN front page (sitekit tests) -- this is NOT GLPI. */
require dirname(__DIR__) . '/inc/standin.php';
header('Content-Type: text/plain; charset=utf-8');
echo 'GLPI STAND-IN ' . GLPI_VERSION . " (sitekit test archive, not GLPI)\n";
$db = standin_db();
if ($db !== null) {
    $row = $db->query("SELECT value FROM glpi_configs WHERE context = 'core' AND name = 'version'")->fetch_row();
    echo 'database version: ' . $row[0] . "\n";
}
echo 'path: ' . ($_SERVER['REQUEST_URI'] ?? '') . "\n";
