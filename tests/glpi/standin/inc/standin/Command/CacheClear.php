<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * cache:clear (alias system:clear_cache), after glpi-project/glpi src/Console/Cache/ClearCommand.php (10.0.x)
 * and src/Glpi/Console/Cache/ClearCommand.php (11.0.x): a plain Symfony command (no database, no requirement
 * check). -c|--context (required value, repeatable) among core, installer, translations and plugin:<name>
 * (src/Cache/CacheManager.php getKnownContexts()); an unknown one is an InvalidArgumentException (exit 1);
 * a cache that cannot be cleared is "Failed to clear cache." and exit 1 (ERROR_CACHE_CLEAR_FAILURE).
 * The stand-in's caches are the directories GLPI_CACHE_DIR/<context>.
 */
namespace Standin\Command;

use Standin\ConsoleException;
use Standin\InputOption;

final class CacheClear extends Command
{
    public const ERROR_CACHE_CLEAR_FAILURE = 1;
    public bool $glpiCommand = false;
    public bool $requiresDb = false;

    public function name(): string
    {
        return 'cache:clear';
    }

    public function description(): string
    {
        return 'Clear GLPI cache.';
    }

    protected function configure(): void
    {
        $this->aliases = ['system:clear_cache'];
        $this->option('context', 'c', InputOption::VALUE_REQUIRED | InputOption::VALUE_IS_ARRAY);
    }

    protected function initialize(): void
    {
    }

    protected function execute(): int
    {
        $known = array_merge(['core', 'installer', 'translations'], array_map(
            fn ($dir) => 'plugin:' . substr(basename($dir), 7),
            glob(GLPI_CACHE_DIR . '/plugin_*', GLOB_ONLYDIR) ?: []
        ));
        $contexts = $this->input->getOption('context') ?: $known;
        foreach ($contexts as $context) {
            if (!in_array($context, $known, true)) {
                throw new ConsoleException(sprintf('Invalid cache context: "%s".', $context));
            }
        }
        $success = is_dir(GLPI_CACHE_DIR) && is_writable(GLPI_CACHE_DIR);
        foreach ($contexts as $context) {
            $success = self::clear(GLPI_CACHE_DIR . '/' . str_replace(':', '_', $context)) && $success;
        }
        if (!$success) {
            $this->output->writeln('<error>Failed to clear cache.</error>', \Standin\Output::QUIET);
            return self::ERROR_CACHE_CLEAR_FAILURE;
        }
        $this->output->writeln('<info>Cache cleared successfully.</info>');
        return 0;
    }

    private static function clear(string $dir): bool
    {
        if (!is_dir($dir)) {
            return true;
        }
        $ok = true;
        $items = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($items as $item) {
            $ok = ($item->isDir() ? @rmdir($item->getPathname()) : @unlink($item->getPathname())) && $ok;
        }
        return $ok;
    }
}
