<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * database:configure (alias db:configure): writes config_db.php only, after glpi-project/glpi
 * src/Console/Database/ConfigureCommand.php (10.0.x) / src/Glpi/Console/Database/ConfigureCommand.php
 * (11.0.x). With an existing file it exits 3 unless -r|--reconfigure (the way to change the stored
 * password); flags are computed from an existing database. It needs write access to config_db.php (129).
 */
namespace Standin\Command;

final class Configure extends AbstractConfigure
{
    public function name(): string
    {
        return 'database:configure';
    }

    public function description(): string
    {
        return 'Define database configuration';
    }

    protected function configure(): void
    {
        parent::configure();
        $this->aliases = ['db:configure'];
    }

    public function configurationFilesToUpdate(\Standin\Input $input): ?array
    {
        return ['config_db.php'];
    }

    protected function execute(): int
    {
        $this->configureDatabase(true);
        return 0;
    }
}
