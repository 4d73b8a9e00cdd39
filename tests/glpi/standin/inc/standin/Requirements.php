<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * GLPI's system requirements, per line:
 *  - 10.0.x: glpi-project/glpi src/System/RequirementsManager.php getCoreRequirementList() and the classes in
 *    src/System/Requirement/ (PhpVersion, SessionsConfiguration, MemoryLimit, MysqliMysqlnd, ExtensionGroup,
 *    Extension, ExtensionConstant, DbEngine, InstallationNotOverriden, LogsWriteAccess, DirectoriesWriteAccess,
 *    then the optional ones);
 *  - 11.0.x: src/Glpi/System/RequirementsManager.php: "tokenizer" joins the core group ("json" leaves it),
 *    mysqli, mbstring, bcmath ("Required for qrcode support") and openssl become mandatory, GLPI_DUMP_DIR is
 *    no longer a data directory (src/Glpi/System/Variables.php); doc-install source/prerequisites.rst.
 * SELinux, PHP-supported-version, session-security and marketplace-write checks are not reproduced.
 */
namespace Standin;

final class Requirement
{
    /** @param string[] $messages */
    public function __construct(
        public readonly string $title,
        public readonly bool $optional,
        public readonly ?bool $validated, // null: out of context (SKIPPED)
        public readonly array $messages,
    ) {
    }
}

final class Requirements
{
    /** @return Requirement[] */
    public static function core(?\mysqli $db): array
    {
        $eleven = Release::isEleven();
        $list = [self::phpVersion(), self::sessions(), self::memory()];
        if (!$eleven) {
            $list[] = self::extensions('mysqli', ['mysqli'], false, defined('MYSQLI_OPT_INT_AND_FLOAT_NATIVE'));
        }
        $core = $eleven
            ? ['dom', 'fileinfo', 'filter', 'libxml', 'simplexml', 'tokenizer', 'xmlreader', 'xmlwriter']
            : ['dom', 'fileinfo', 'filter', 'libxml', 'json', 'simplexml', 'xmlreader', 'xmlwriter'];
        $list[] = self::extensions('PHP core extensions', $core, false);
        $mandatory = $eleven ? ['mysqli', 'curl', 'gd', 'intl', 'mbstring', 'zlib', 'bcmath'] : ['curl', 'gd', 'intl', 'zlib'];
        foreach ($mandatory as $extension) {
            $list[] = self::extensions($extension, [$extension], false);
        }
        $list[] = new Requirement(
            'Sodium ChaCha20-Poly1305 size constant',
            false,
            defined('SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_NPUBBYTES'),
            []
        );
        if ($eleven) {
            $list[] = self::extensions('openssl', ['openssl'], false);
        }
        if ($db !== null) {
            [$supported, $version, $server] = Database::engine($db);
            $list[] = new Requirement('DB engine version', false, $supported, $supported
                ? [sprintf('Database engine version (%s) is supported.', $version)]
                : [sprintf('Database engine version (%s) is not supported. Minimum required version is %s %s.', $version, $server, Release::minDbVersion($server))]);
        }
        $list[] = self::installationNotOverriden($db);
        $list[] = self::logsWriteAccess();
        $list[] = self::dataDirectories();
        // Optional ones (the console only warns about them).
        $list[] = self::extensions('exif', ['exif'], true);
        $list[] = self::extensions('ldap', ['ldap'], true);
        $list[] = self::extensions('PHP extensions for marketplace', ['bz2', 'Phar', 'zip'], true);
        $list[] = self::extensions('Zend OPcache', ['Zend OPcache'], true);
        $list[] = self::extensions('PHP emulated extensions', $eleven ? ['ctype', 'iconv', 'sodium'] : ['ctype', 'iconv', 'mbstring', 'sodium'], true);
        if ($db !== null) {
            $problems = Database::timezoneProblems($db);
            $list[] = new Requirement('DB timezone data', true, !$problems, $problems ?: ['Timezones seems loaded in database.']);
        }
        return $list;
    }

    /** @param Requirement[] $list */
    public static function missing(array $list, bool $optional): array
    {
        return array_values(array_filter($list, fn (Requirement $r) => $r->optional === $optional && $r->validated === false));
    }

    private static function phpVersion(): Requirement
    {
        $ok = version_compare(PHP_VERSION, GLPI_MIN_PHP . '-dev', '>=') && version_compare(PHP_VERSION, GLPI_MAX_PHP . '-dev', '<');
        return new Requirement('PHP Parser', false, $ok, [$ok
            ? sprintf('PHP version (%s) is supported.', PHP_VERSION)
            : sprintf('PHP version must be between %s and %s (exclusive).', GLPI_MIN_PHP, GLPI_MAX_PHP)]);
    }

    private static function sessions(): Requirement
    {
        $ok = extension_loaded('session') && ini_get('session.auto_start') != 1 && ini_get('session.use_trans_sid') != 1;
        return new Requirement('Sessions configuration', false, $ok, $ok ? [] : [extension_loaded('session')
            ? '"session.auto_start" and "session.use_trans_sid" must be set to off.'
            : 'session extension is not installed.']);
    }

    private static function memory(): Requirement
    {
        $limit = self::bytes((string) ini_get('memory_limit'));
        $ok = $limit === -1 || $limit >= 64 * 1024 * 1024;
        return new Requirement('Allocated memory', false, $ok, $ok ? [] : ['A minimum of 64 Mio is commonly required for GLPI.']);
    }

    /** ExtensionGroup / Extension: all listed extensions loaded. */
    private static function extensions(string $title, array $extensions, bool $optional, bool $extra = true): Requirement
    {
        $missing = array_values(array_filter($extensions, fn ($e) => !extension_loaded($e)));
        $messages = $missing ? [sprintf(
            $optional ? 'Following extensions are not present: %s.' : 'Following extensions are missing: %s.',
            implode(', ', $missing)
        )] : [];
        if (!$missing && !$extra) {
            $messages[] = sprintf('%s extension is installed but is not using mysqlnd driver.', $title);
        }
        return new Requirement($title, $optional, !$missing && $extra, $messages);
    }

    /** InstallationNotOverriden: exactly one version/ marker, the running one (checked when DB says >= 10.0.6). */
    private static function installationNotOverriden(?\mysqli $db): Requirement
    {
        $title = 'Previous GLPI version files detection';
        $files = is_dir(GLPI_ROOT . '/version') ? array_diff(scandir(GLPI_ROOT . '/version'), ['.', '..']) : [];
        if (!$files) {
            return new Requirement($title, false, null, []);
        }
        if (!file_exists(GLPI_ROOT . '/version/' . Release::normalized(GLPI_VERSION)) || count($files) > 1) {
            return new Requirement($title, false, false, [
                'We detected files of previous versions of GLPI.',
                'Please update GLPI by following the procedure described in the installation documentation.',
            ]);
        }
        $previous = $db !== null ? (Database::coreConfig($db)['version'] ?? null) : null;
        if ($previous === null || version_compare(Release::normalized($previous), '10.0.6', '<')) {
            return new Requirement($title, false, null, []);
        }
        return new Requirement($title, false, true, ['No files from previous GLPI version detected.']);
    }

    /** LogsWriteAccess: GLPI writes a "Test logger" warning to php-errors.log to prove it can. */
    private static function logsWriteAccess(): Requirement
    {
        $line = '[' . date('Y-m-d H:i:s') . "] glpiphplog.WARNING: Test logger\n";
        $ok = is_dir(GLPI_LOG_DIR) && @file_put_contents(GLPI_LOG_DIR . '/php-errors.log', $line, FILE_APPEND) !== false;
        return new Requirement('Permissions for log files', false, $ok, $ok
            ? ['The log file has been created successfully.']
            : [sprintf('The log file could not be created in %s.', GLPI_LOG_DIR)]);
    }

    private static function dataDirectories(): Requirement
    {
        $constants = ['GLPI_CACHE_DIR', 'GLPI_CRON_DIR', 'GLPI_DOC_DIR', 'GLPI_GRAPH_DIR', 'GLPI_LOCK_DIR',
            'GLPI_PICTURE_DIR', 'GLPI_PLUGIN_DOC_DIR', 'GLPI_RSS_DIR', 'GLPI_SESSION_DIR', 'GLPI_TMP_DIR',
            'GLPI_UPLOAD_DIR'];
        if (!Release::isEleven()) {
            $constants[] = 'GLPI_DUMP_DIR';
        }
        $denied = array_values(array_filter($constants, fn ($c) => !is_dir(constant($c)) || !is_writable(constant($c))));
        return new Requirement('Permissions for GLPI data directories', false, !$denied, array_map(
            fn ($c) => sprintf('The directory could not be created in %s.', constant($c)),
            $denied
        ));
    }

    private static function bytes(string $value): int
    {
        $value = trim($value);
        if ($value === '-1') {
            return -1;
        }
        $number = (int) $value;
        return match (strtolower(substr($value, -1))) {
            'g' => $number * 1024 ** 3,
            'm' => $number * 1024 ** 2,
            'k' => $number * 1024,
            default => $number,
        };
    }
}
