<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Two kinds of log, neither ever holding a secret:
 *  - GLPI's own files (cron.log, php-errors.log) in GLPI's format: glpi-project/glpi 10.0.x
 *    src/Toolbox.php logInFile(): "<Y-m-d H:i:s> [<user>@<host>]\n<text>" appended to GLPI_LOG_DIR/<name>.log;
 *  - the stand-in's record of its calls (standin-console.log, standin-cron.log), JSON lines the tests
 *    read; GLPI has no such file. Values of secret options are replaced by "***".
 */
namespace Standin;

final class Log
{
    public static function inFile(string $name, string $text, string $user = ''): void
    {
        $line = date('Y-m-d H:i:s') . ' [' . $user . '@' . php_uname('n') . "]\n" . $text;
        @error_log($line, 3, GLPI_LOG_DIR . '/' . $name . '.log');
    }

    /**
     * Record a call of the stand-in. $secret_tokens marks the argv entries the parser bound to a secret
     * option; tokens the parser never reached are redacted when they may hold one (see redactUnparsed).
     *
     * @param string[] $args
     * @param array<int, bool> $secret_tokens
     */
    public static function call(string $channel, array $args, array $secret_tokens, array $extra = []): void
    {
        $clean = [];
        foreach ($args as $i => $arg) {
            $clean[] = isset($secret_tokens[$i]) ? self::redactToken($arg) : $arg;
        }
        $clean = self::redactUnparsed($clean);
        $record = array_merge(
            ['time' => date('c'), 'user' => self::user(), 'version' => GLPI_VERSION, 'args' => $clean],
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

    /** "--db-password=x" -> "--db-password=***", "-px" -> "-p***", a bare value -> "***". */
    private static function redactToken(string $arg): string
    {
        if (str_starts_with($arg, '--') && str_contains($arg, '=')) {
            return explode('=', $arg, 2)[0] . '=***';
        }
        if (preg_match('/^-[a-zA-Z]*p./', $arg)) {
            return substr($arg, 0, strpos($arg, 'p') + 1) . '***';
        }
        return '***';
    }

    /**
     * Second pass for calls refused before parsing finished: any token of a password option, and the
     * token after a bare one, is redacted.
     */
    private static function redactUnparsed(array $args): array
    {
        $secret_long = '/^--(db-password|password)(=|$)/';
        foreach ($args as $i => $arg) {
            if (preg_match($secret_long, $arg) && str_contains($arg, '=')) {
                $args[$i] = self::redactToken($arg);
            } elseif ((preg_match($secret_long, $arg) || $arg === '-p') && isset($args[$i + 1])
                && $args[$i + 1] !== '' && $args[$i + 1][0] !== '-') {
                $args[$i + 1] = '***';
            } elseif (preg_match('/^-[a-zA-Z]*p./', $arg) && !str_ends_with($arg, 'p***')) {
                $args[$i] = self::redactToken($arg);
            }
        }
        return $args;
    }
}
