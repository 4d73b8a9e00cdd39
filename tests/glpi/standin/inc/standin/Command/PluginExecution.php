<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * plugin:resume_execution and plugin:suspend_execution (11.0.x only; 10.0.x has neither: 'Command "..." is not
 * defined.', exit 1), after glpi-project/glpi src/Glpi/Console/Plugin/ResumeExecutionCommand.php and
 * SuspendExecutionCommand.php with src/Plugin.php resumeAllPluginsExecution() / suspendAllPluginsExecution():
 *  - no option or argument of their own; GLPI commands needing an up-to-date database (AbstractCommand), so an
 *    outdated one exits 131 before they run (Application);
 *  - Config::setConfigurationValues('core', ['plugins_execution_mode' => 'on' | 'suspended_manually']);
 *    the Plugin methods always return true ("TODO Make the Config::setConfigurationValues() return a success
 *    boolean"), so "An unexpected error occurred" (exit 1) is never reached; a value that cannot be written is
 *    11.0's DBmysql exception ('MySQL query error: ...', exit 1, Database::setCoreConfigOrThrow);
 *  - then '<info>Execution of all active plugins has been resumed.</info>' / '... suspended.', exit 0.
 * Resuming changes no plugin state: the next boot (Plugins::checkStates) checks the ACTIVATED plugins again.
 */
namespace Standin\Command;

use Standin\Database;
use Standin\Plugins;

final class PluginResumeExecution extends Command
{
    public function name(): string
    {
        return 'plugin:resume_execution';
    }

    public function description(): string
    {
        return 'Resume execution of all active plugins';
    }

    protected function configure(): void
    {
    }

    protected function execute(): int
    {
        Database::setCoreConfigOrThrow($this->app->db(), ['plugins_execution_mode' => Plugins::EXECUTION_MODE_ON]);
        $this->output->writeln('<info>Execution of all active plugins has been resumed.</info>');
        return 0;
    }
}

final class PluginSuspendExecution extends Command
{
    public function name(): string
    {
        return 'plugin:suspend_execution';
    }

    public function description(): string
    {
        return 'Suspend execution of all active plugins';
    }

    protected function configure(): void
    {
    }

    protected function execute(): int
    {
        Database::setCoreConfigOrThrow($this->app->db(), ['plugins_execution_mode' => Plugins::EXECUTION_MODE_SUSPENDED_MANUALLY]);
        $this->output->writeln('<info>Execution of all active plugins has been suspended.</info>');
        return 0;
    }
}
