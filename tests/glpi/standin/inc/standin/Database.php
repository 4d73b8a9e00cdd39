<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * GLPI's database configuration file and connection, following glpi-project/glpi 10.0.x:
 *  - src/DBConnection.php createMainConfig(): GLPI_CONFIG_DIR/config_db.php is "class DB extends DBmysql"
 *    with public $dbhost/$dbuser/$dbpassword (rawurlencode'd)/$dbdefault and the flags; written by
 *    src/Toolbox.php writeConfig() with fopen('wt'): the process umask decides its mode, GLPI sets none;
 *  - src/DBmysql.php connect(): "host", "host:port" or "host:/socket", password rawurldecode'd;
 *  - src/System/Requirement/DbEngine.php, DbTimezones.php, DbConfiguration.php.
 * 11.0.x drops the allow_myisam flag (src/Glpi/Console/Database/AbstractConfigureCommand.php).
 */
namespace Standin;

final class Database
{
    public const CONFIG_FILE = 'config_db.php';

    public static function configPath(): string
    {
        return GLPI_CONFIG_DIR . '/' . self::CONFIG_FILE;
    }

    public static function isConfigured(): bool
    {
        return file_exists(self::configPath());
    }

    /** The DB object GLPI builds from config_db.php, or null when the file is missing or corrupt. */
    public static function configured(): ?\DBmysql
    {
        if (!self::isConfigured()) {
            return null;
        }
        if (!class_exists('DB', false)) {
            @include_once self::configPath();
        }
        return class_exists('DB', false) ? new \DB() : null;
    }

    /** @param array<string, bool> $flags use_timezones, log_deprecation_warnings, use_utf8mb4, allow_* */
    public static function writeConfig(string $hostport, string $user, string $password, string $name, array $flags): bool
    {
        $properties = [
            'dbhost' => $hostport,
            'dbuser' => $user,
            'dbpassword' => rawurlencode($password),
            'dbdefault' => $name,
        ];
        foreach (['use_timezones', 'log_deprecation_warnings', 'use_utf8mb4'] as $flag) {
            if ($flags[$flag] ?? false) {
                $properties[$flag] = true;
            }
        }
        $allow = Release::isEleven() ? ['allow_datetime', 'allow_signed_keys'] : ['allow_myisam', 'allow_datetime', 'allow_signed_keys'];
        foreach ($allow as $flag) {
            if (!($flags[$flag] ?? true)) {
                $properties[$flag] = false;
            }
        }
        $content = "<?php\nclass DB extends DBmysql {\n";
        foreach ($properties as $name_ => $value) {
            $content .= sprintf('   public $%s = %s;', $name_, var_export($value, true)) . "\n";
        }
        $content .= "}\n";
        $fp = @fopen(self::configPath(), 'wt');
        if (!$fp) {
            return false;
        }
        $written = fwrite($fp, $content);
        fclose($fp);
        return $written > 0;
    }

    /** mysqli connection without a default database (host, user, password, port-or-socket as GLPI splits them). */
    public static function connectRaw(string $host, string $user, string $password, ?string $port): \mysqli
    {
        mysqli_report(MYSQLI_REPORT_OFF);
        $mysqli = new \mysqli();
        if (intval($port) > 0) {
            @$mysqli->real_connect($host, $user, $password, null, (int) $port);
        } else {
            @$mysqli->real_connect($host, $user, $password, null, 0, $port === null || $port === '' ? null : $port);
        }
        return $mysqli;
    }

    /** DBmysql::connect(): the configured database, or null when the server refuses. */
    public static function connect(\DBmysql $db): ?\mysqli
    {
        $hostport = explode(':', (string) $db->dbhost);
        $mysqli = self::connectRaw($hostport[0], $db->dbuser, rawurldecode($db->dbpassword), $hostport[1] ?? null);
        if ($mysqli->connect_errno !== 0 || !@$mysqli->select_db($db->dbdefault)) {
            return null;
        }
        $mysqli->set_charset($db->use_utf8mb4 ? 'utf8mb4' : 'utf8');
        return $mysqli;
    }

    /** Config::displayCheckDbEngine() / DbEngine: [supported, "x.y.z"]. */
    public static function engine(\mysqli $mysqli): array
    {
        $version_string = $mysqli->query('SELECT version()')->fetch_row()[0];
        $server = preg_match('/-MariaDB/', $version_string) ? 'MariaDB' : 'MySQL';
        $version = preg_replace('/^((\d+\.?)+).*$/', '$1', $version_string);
        return [version_compare($version, Release::minDbVersion($server), '>='), $version, $server];
    }

    /** DbTimezones::check(): messages, empty when time zones are usable. */
    public static function timezoneProblems(\mysqli $mysqli): array
    {
        $res = @$mysqli->query("SHOW DATABASES LIKE 'mysql'");
        if (!$res || $res->num_rows === 0) {
            return ['Access to timezone database (mysql) is not allowed.'];
        }
        $res = @$mysqli->query("SHOW TABLES FROM `mysql` LIKE 'time_zone_name'");
        if (!$res || $res->num_rows === 0) {
            return ['Access to timezone table (mysql.time_zone_name) is not allowed.'];
        }
        $res = @$mysqli->query('SELECT COUNT(*) FROM `mysql`.`time_zone_name`');
        if (!$res || (int) $res->fetch_row()[0] === 0) {
            return ['Timezones seems not loaded, see https://glpi-install.readthedocs.io/en/latest/timezones.html.'];
        }
        return [];
    }

    /** DbConfiguration::check(): utf8mb4 index compatibility problems (innodb_page_size >= 8KB). */
    public static function utf8mb4Problems(\mysqli $mysqli): array
    {
        $row = $mysqli->query('SELECT @@GLOBAL.innodb_page_size')->fetch_row();
        return (int) $row[0] < 8192 ? ['"innodb_page_size" must be >= 8KB.'] : [];
    }

    /** GLPI's core tables (glpi_*, base tables) in a database. */
    public static function glpiTables(\mysqli $mysqli, string $name): array
    {
        $stmt = $mysqli->prepare(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'"
            . " AND table_name LIKE 'glpi\\_%' ORDER BY table_name"
        );
        $stmt->bind_param('s', $name);
        $stmt->execute();
        return array_map(fn ($r) => $r[0], $stmt->get_result()->fetch_all());
    }

    /** Config::getConfigurationValues('core', ...) straight from glpi_configs, or [] when absent. */
    public static function coreConfig(\mysqli $mysqli): array
    {
        $res = @$mysqli->query("SELECT name, value FROM glpi_configs WHERE context = 'core'");
        if (!$res) {
            return [];
        }
        $values = [];
        foreach ($res->fetch_all() as [$name, $value]) {
            $values[$name] = $value;
        }
        return $values;
    }

    /**
     * Stores core values; a failure throws, unless $report is given: then it is reported the way 10.0.x
     * Config::setConfigurationValues() meets it (src/Config.php: CommonDBTM add/update return false, DBmysql::doQuery
     * hands the error to ErrorHandler::handleSqlError, which prints 'SQL Error "<errno>": <error> in query "<sql>"'
     * and nothing stops) and the caller goes on.
     */
    public static function setCoreConfig(\mysqli $mysqli, array $values, ?Output $report = null): void
    {
        $sql = "INSERT INTO glpi_configs (context, name, value) VALUES ('core', ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)";
        $stmt = @$mysqli->prepare($sql);
        foreach ($values as $name => $value) {
            $ok = $stmt !== false && $stmt->bind_param('ss', $name, $value) && @$stmt->execute();
            if ($report !== null && !$ok) {
                $report->writeln(sprintf('<error>SQL Error "%s": %s in query "%s"</error>', $mysqli->errno, $mysqli->error, $sql), Output::QUIET);
                continue;
            }
            self::check($mysqli, $ok, 'glpi_configs');
        }
    }

    /**
     * 11.0.x Config::setConfigurationValues(): each value goes through CommonDBTM update/add and DBmysql::doQuery(),
     * which throws on a failed query (glpi-project/glpi src/DBmysql.php, 11.0: RuntimeException 'MySQL query error:
     * %s (%d) in SQL query "%s".'; doQueryOrDie deprecated in 11.0.0). The console renders it and exits 1; the values
     * before the failing one stay written.
     */
    public static function setCoreConfigOrThrow(\mysqli $mysqli, array $values): void
    {
        foreach ($values as $name => $value) {
            $stmt = $mysqli->prepare("SELECT id FROM glpi_configs WHERE context = 'core' AND name = ?");
            $id = null;
            if ($stmt !== false && $stmt->bind_param('s', $name) && $stmt->execute()) {
                $id = $stmt->get_result()->fetch_row()[0] ?? null;
            }
            $quoted = $value === null ? 'NULL' : "'" . $mysqli->real_escape_string((string) $value) . "'";
            $sql = $id !== null
                ? sprintf("UPDATE `glpi_configs` SET `value` = %s WHERE `id` = '%d'", $quoted, $id)
                : sprintf("INSERT INTO `glpi_configs` (`context`, `name`, `value`) VALUES ('core', '%s', %s)",
                    $mysqli->real_escape_string($name), $quoted);
            if (!@$mysqli->query($sql)) {
                throw new \RuntimeException(sprintf('MySQL query error: %s (%d) in SQL query "%s".', $mysqli->error, $mysqli->errno, $sql));
            }
        }
    }

    /** DBmysql::doQueryOrDie() in CLI: a failed query is a RuntimeException with GLPI's message. */
    public static function queryOrDie(\mysqli $mysqli, string $query, string $message = ''): \mysqli_result|bool
    {
        $res = $mysqli->query($query);
        if ($res === false) {
            throw new \RuntimeException(sprintf(
                '%1$s - Error during the database query: %2$s - Error is %3$s',
                $message,
                $query,
                $mysqli->error
            ));
        }
        return $res;
    }

    public static function check(\mysqli $mysqli, bool $ok, string $what): void
    {
        if (!$ok) {
            throw new \RuntimeException($mysqli->error . "\nError execution statement in table $what");
        }
    }
}
