<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The parent class config_db.php extends ("class DB extends DBmysql"), with the properties
 * glpi-project/glpi src/DBmysql.php gives the connection (10.0.x; 11.0.x has no allow_myisam).
 */
class DBmysql
{
    public $dbhost = '';
    public $dbuser = '';
    public $dbpassword = '';
    public $dbdefault = '';
    public $use_timezones = false;
    public $log_deprecation_warnings = false;
    public $use_utf8mb4 = false;
    public $allow_myisam = true;
    public $allow_datetime = true;
    public $allow_signed_keys = true;
}
