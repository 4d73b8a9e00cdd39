<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * plugin:activate (alias plugin:enable), after glpi-project/glpi src/Console/Plugin/ActivateCommand.php and
 * AbstractPluginCommand.php (10.0.x; same in 11.0.x under src/Glpi/Console/Plugin/), with the parts of
 * src/Plugin.php they call:
 *  - arguments: directory... (IS_ARRAY); -a|--all = every plugin in state NOTACTIVATED; both together is
 *    refused ("Option --all is not compatible with usage of directory argument.");
 *  - per directory: Plugin::checkPluginState() first (a known plugin whose files are gone in every plugin
 *    directory becomes TOBECLEANED), then canRunActivateMethod(): "Invalid plugin directory" (not loadable:
 *    no setup.php with plugin_version_<key>() under GLPI_MARKETPLACE_DIR or GLPI_ROOT/plugins, the
 *    PLUGINS_DIRECTORIES of inc/based_config.php), "is not yet installed", "is already active", "have to be
 *    installed and configured prior to activation" (any state but NOTACTIVATED); then activate;
 *    then Plugin::activate() (Plugins.php: CSRF compliance on 10.0.x, check_prerequisites, check_config); a
 *    refusal prints 'Plugin "%s" activation failed.' and the session's warning and error messages;
 *  - exit 1 (ERROR_PLUGIN_ACTIVATION_FAILED) when any directory failed, 0 otherwise.
 * The command forces no plugins (AbstractPluginCommand implements ForceNoPluginsOptionCommandInterface).
 * Plugin states (src/Plugin.php): ACTIVATED 1, NOTINSTALLED 2, TOBECONFIGURED 3, NOTACTIVATED 4, TOBECLEANED 5,
 * NOTUPDATED 6.
 * 10.0.x: db:update deactivates every active plugin (ACTIVATED -> NOTACTIVATED, Schema::migrate): this is how they
 * come back. 11.0.x deactivates none (their execution is suspended, Plugins.php): an upgraded plugin is still
 * ACTIVATED, so plugin:activate says "is already active" (exit 1); while the execution is suspended its first
 * step, Plugin::checkPluginState(), throws 'Checking a plugin state is forbidden when plugins execution is
 * suspended.' (11.0 src/Plugin.php): a RuntimeException the console renders, exit 1.
 */
namespace Standin\Command;

use Standin\ConsoleException;
use Standin\InputOption;
use Standin\Plugins;

final class PluginActivate extends Command
{
    public const ERROR_PLUGIN_ACTIVATION_FAILED = 1;
    private const ACTIVATED = Plugins::ACTIVATED;
    private const NOTACTIVATED = Plugins::NOTACTIVATED;
    private const TOBECLEANED = Plugins::TOBECLEANED;
    public bool $forcesNoPlugins = true;

    public function name(): string
    {
        return 'plugin:activate';
    }

    public function description(): string
    {
        return 'Activate plugin(s)';
    }

    protected function configure(): void
    {
        $this->aliases = ['plugin:enable'];
        $this->option('all', 'a', InputOption::VALUE_NONE);
        $this->definition->addArgument('directory', false, true);
    }

    protected function interact(): void
    {
        $this->checkAllOption();
    }

    protected function execute(): int
    {
        $this->checkAllOption();
        $directories = $this->input->getOption('all') ? $this->notActivated() : $this->input->getArrayArgument('directory');
        $failed = false;
        foreach ($directories as $directory) {
            $this->output->writeln(sprintf('<info>Processing plugin "%s"...</info>', $directory));
            if (Plugins::executionSuspended($this->app->db())) {
                throw new \RuntimeException('Checking a plugin state is forbidden when plugins execution is suspended.');
            }
            $this->checkPluginState($directory);
            $row = $this->row($directory);
            if (Plugins::information($directory) === null) {
                $this->output->writeln(sprintf('<error>Invalid plugin directory "%s".</error>', $directory), \Standin\Output::QUIET);
                $failed = true;
                continue;
            }
            if ($row === null) {
                $this->output->writeln(sprintf('<error>Plugin "%s" is not yet installed.</error>', $directory), \Standin\Output::QUIET);
                $failed = true;
                continue;
            }
            if ((int) $row['state'] === self::ACTIVATED) {
                $this->output->writeln(sprintf('<info>Plugin "%s" is already active.</info>', $directory));
                $failed = true;
                continue;
            }
            if ((int) $row['state'] !== self::NOTACTIVATED) {
                $this->output->writeln(sprintf('<error>Plugin "%s" have to be installed and configured prior to activation.</error>', $directory), \Standin\Output::QUIET);
                $failed = true;
                continue;
            }
            $refused = Plugins::activate($this->app->db(), (int) $row['id'], $directory, (string) ($row['name'] ?? $directory));
            if ($refused !== null) {
                $this->output->writeln(sprintf('<error>Plugin "%s" activation failed.</error>', $directory), \Standin\Output::QUIET);
                foreach ($refused as $message) {
                    $this->output->writeln("<error>$message</error>", \Standin\Output::QUIET);
                }
                $failed = true;
                continue;
            }
            $this->output->writeln(sprintf('<info>Plugin "%1$s" has been activated.</info>', $directory));
        }
        return $failed ? self::ERROR_PLUGIN_ACTIVATION_FAILED : 0;
    }

    private function checkAllOption(): void
    {
        if ($this->input->getOption('all') && $this->input->getArrayArgument('directory')) {
            throw new ConsoleException('Option --all is not compatible with usage of directory argument.');
        }
    }

    /** Plugin::checkPluginState(), the part that concerns a known plugin whose files are gone. */
    private function checkPluginState(string $directory): void
    {
        $row = $this->row($directory);
        if ($row !== null && Plugins::information($directory) === null) {
            trigger_error(sprintf('Unable to load plugin "%s" information.', $directory), E_USER_WARNING);
            Plugins::setState($this->app->db(), (int) $row['id'], self::TOBECLEANED);
        }
    }

    private function row(string $directory): ?array
    {
        $stmt = $this->app->db()->prepare('SELECT id, name, state FROM glpi_plugins WHERE directory = ?');
        $stmt->bind_param('s', $directory);
        $stmt->execute();
        return $stmt->get_result()->fetch_assoc() ?: null;
    }

    private function notActivated(): array
    {
        $rows = $this->app->db()->query('SELECT directory FROM glpi_plugins WHERE state = ' . self::NOTACTIVATED . ' ORDER BY directory');
        return array_map(fn ($r) => $r[0], $rows->fetch_all());
    }
}
