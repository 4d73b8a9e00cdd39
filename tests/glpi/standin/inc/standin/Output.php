<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Console output and questions with symfony/console's rules (Output/Output.php writeln verbosity levels,
 * Application::configureIO for -q/-v/-vv/-vvv/SHELL_VERBOSITY/-n, Helper/QuestionHelper.php ask():
 * non-interactive input answers the default, interactive input reads one line from STDIN, end of input
 * fails with "Aborted.", questions are written to stderr; Question/ConfirmationQuestion.php: an empty
 * answer is the default, /^y/i is yes).
 */
namespace Standin;

final class Output
{
    public const QUIET = 16;
    public const NORMAL = 32;
    public const VERBOSE = 64;
    public const VERY_VERBOSE = 128;
    public const DEBUG = 256;

    public int $verbosity = self::NORMAL;

    /** Write to stdout (GLPI's commands write their errors there too, as <error> lines). */
    public function writeln(string|array $messages, int $verbosity = self::NORMAL): void
    {
        if ($verbosity > $this->verbosity) {
            return;
        }
        foreach ((array) $messages as $message) {
            fwrite(STDOUT, self::strip($message) . "\n");
        }
    }

    /** What symfony/console writes to stderr (exception blocks, questions). */
    public function stderr(string $message): void
    {
        fwrite(STDERR, self::strip($message) . "\n");
    }

    public function isQuiet(): bool
    {
        return $this->verbosity === self::QUIET;
    }

    /** Render a two- or three-column table like Symfony's Table helper (text only). */
    public function table(array $rows, array $headers = []): void
    {
        $all = $headers ? array_merge([$headers], $rows) : $rows;
        $widths = [];
        foreach ($all as $row) {
            foreach (array_values($row) as $i => $cell) {
                $widths[$i] = max($widths[$i] ?? 0, self::width(self::strip((string) $cell)));
            }
        }
        $line = '+' . implode('+', array_map(fn ($w) => str_repeat('-', $w + 2), $widths)) . '+';
        $out = [$line];
        foreach ($all as $n => $row) {
            $cells = [];
            foreach (array_values($row) as $i => $cell) {
                $text = self::strip((string) $cell);
                $cells[] = ' ' . $text . str_repeat(' ', $widths[$i] - self::width($text)) . ' ';
            }
            $out[] = '|' . implode('|', $cells) . '|';
            if ($headers && $n === 0) {
                $out[] = $line;
            }
        }
        $out[] = $line;
        $this->writeln($out);
    }

    /** Characters in a UTF-8 string, without mbstring (GLPI 10.0.x does not require it). */
    private static function width(string $text): int
    {
        return (int) preg_match_all('/./us', $text);
    }

    private static function strip(string $message): string
    {
        return preg_replace('#</?(?:[a-z]+|[a-z]+=[^>]*|fg=[^>]*|bg=[^>]*)>#', '', $message);
    }
}

final class Questions
{
    public function __construct(private Input $input, private Output $output)
    {
    }

    /** Free-text question; null default means "no answer" (GLPI's db-name/db-user/db-password prompts). */
    public function ask(string $question, ?string $default = null): ?string
    {
        if (!$this->input->interactive) {
            return $default;
        }
        fwrite(STDERR, $question . ' ');
        $line = fgets(STDIN, 4096);
        if ($line === false) {
            throw new ConsoleException('Aborted.');
        }
        $answer = rtrim($line, "\r\n");
        return $answer === '' ? $default : $answer;
    }

    public function confirm(string $question, bool $default = true): bool
    {
        if (!$this->input->interactive) {
            return $default;
        }
        $answer = $this->ask($question, '');
        if ($default === false) {
            return $answer !== '' && preg_match('/^y/i', $answer) === 1;
        }
        return $answer === '' || preg_match('/^y/i', $answer) === 1;
    }
}
