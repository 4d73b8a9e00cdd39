<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Two kinds of log, neither ever holding a secret:
 *  - GLPI's own files (cron.log, php-errors.log) in GLPI's format: glpi-project/glpi 10.0.x
 *    src/Toolbox.php logInFile(): "<Y-m-d H:i:s> [<user>@<host>]\n<text>" appended to GLPI_LOG_DIR/<name>.log;
 *  - the stand-in's record of its calls (standin-console.log, standin-cron.log), JSON lines the tests
 *    read; GLPI has no such file. Password values are replaced by "***".
 */
namespace Standin;

final class Log
{
    public static function inFile(string $name, string $text, string $user = ''): void
    {
        $line = date('Y-m-d H:i:s') . ' [' . $user . '@' . php_uname('n') . "]\n" . $text;
        @error_log($line, 3, GLPI_LOG_DIR . '/' . $name . '.log');
    }

    /** Record a call of the stand-in, every password value replaced by "***" (see redact()). */
    public static function call(string $channel, array $args, array $extra = []): void
    {
        $record = array_merge(
            ['time' => date('c'), 'user' => self::user(), 'version' => GLPI_VERSION, 'args' => self::redact($args)],
            $extra
        );
        @file_put_contents(
            GLPI_LOG_DIR . "/standin-$channel.log",
            json_encode($record, JSON_UNESCAPED_SLASHES) . "\n",
            FILE_APPEND | LOCK_EX
        );
    }

    public static function user(): string
    {
        return function_exists('posix_geteuid') ? (posix_getpwuid(posix_geteuid())['name'] ?? '?') : '?';
    }

    /**
     * Password options of the console (--db-password/-p of the db commands, --password/-p of
     * user:reset_password), however spelled: "--opt=x", "--opt x", "-p x", "-px", "-rpx" (a short-option set
     * ending with p). Redacted by token, before or without parsing, so a call refused half-way cannot leak:
     * the token after a bare one is hidden whatever it looks like.
     */
    public static function redact(array $args): array
    {
        $long = '/^--(db-password|password)(=|$)/';
        for ($i = 0, $n = count($args); $i < $n; $i++) {
            $arg = $args[$i];
            if (preg_match($long, $arg) && str_contains($arg, '=')) {
                $args[$i] = explode('=', $arg, 2)[0] . '=***';
            } elseif (preg_match($long, $arg) || preg_match('/^-[a-zA-Z]*p$/', $arg)) {
                if ($i + 1 < $n) {
                    $args[++$i] = '***';
                }
            } elseif (preg_match('/^-[a-zA-Z]*p./', $arg)) {
                $args[$i] = substr($arg, 0, strpos($arg, 'p') + 1) . '***';
            }
        }
        return $args;
    }
}
