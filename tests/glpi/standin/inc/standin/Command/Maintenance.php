<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * maintenance:enable [-t|--text] and maintenance:disable, after glpi-project/glpi
 * src/Console/Maintenance/EnableMaintenanceModeCommand.php and DisableMaintenanceModeCommand.php (10.0.x,
 * same in 11.0.x): set glpi_configs core maintenance_mode to 1/0; need the database but not an up-to-date
 * one. In maintenance mode front/cron.php runs no task (CronTask::launch).
 * 10.0.x: the value goes through Config::setConfigurationValues(), which never fails: a value that cannot be
 * written (no glpi_configs table, no UPDATE/INSERT privilege) prints GLPI's "SQL Error" line, then the command
 * says "Maintenance mode activated."/"disabled." and exits 0 all the same (Database::setCoreConfig $report).
 * 11.0.x: DBmysql::doQuery() throws on the failed query (src/DBmysql.php): GLPI's 'MySQL query error: ...' message,
 * exit 1, and no "activated"/"disabled" line (Database::setCoreConfigOrThrow).
 */
namespace Standin\Command;

use Standin\Database;
use Standin\InputOption;
use Standin\Release;

final class MaintenanceEnable extends Command
{
    public bool $requiresDbUpToDate = false;

    public function name(): string
    {
        return 'maintenance:enable';
    }

    public function description(): string
    {
        return 'Enable maintenance mode';
    }

    protected function configure(): void
    {
        $this->option('text', 't', InputOption::VALUE_OPTIONAL);
    }

    protected function execute(): int
    {
        $values = ['maintenance_mode' => '1'];
        if ($this->input->getOption('text') !== null) {
            $values['maintenance_text'] = (string) $this->input->getOption('text');
        }
        if (Release::isEleven()) {
            Database::setCoreConfigOrThrow($this->app->db(), $values);
        } else {
            Database::setCoreConfig($this->app->db(), $values, $this->output);
        }
        $url = Database::coreConfig($this->app->db())['url_base'] ?? '';
        $this->output->writeln(sprintf('<info>Maintenance mode activated. Backdoor using: %s</info>', $url . '/index.php?skipMaintenance=1'));
        return 0;
    }
}

final class MaintenanceDisable extends Command
{
    public bool $requiresDbUpToDate = false;

    public function name(): string
    {
        return 'maintenance:disable';
    }

    public function description(): string
    {
        return 'Disable maintenance mode';
    }

    protected function configure(): void
    {
    }

    protected function execute(): int
    {
        if (Release::isEleven()) {
            Database::setCoreConfigOrThrow($this->app->db(), ['maintenance_mode' => '0']);
        } else {
            Database::setCoreConfig($this->app->db(), ['maintenance_mode' => '0'], $this->output);
        }
        $this->output->writeln('<info>Maintenance mode disabled.</info>');
        return 0;
    }
}
