<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * system:check_requirements, after glpi-project/glpi src/Console/System/CheckRequirementsCommand.php (10.0.x)
 * and src/Glpi/Console/System/CheckRequirementsCommand.php (11.0.x): no database needed, the mandatory
 * requirements are not enforced before it runs, it prints one row per requirement ([OK], [ERROR] for a missing
 * mandatory one, [INFO] for an optional one, [SKIPPED] out of context) and ALWAYS exits 0: a caller must read
 * the table, or rely on the 128 exit of the commands that enforce the requirements.
 */
namespace Standin\Command;

use Standin\Requirements;

final class CheckRequirements extends Command
{
    public bool $requiresDb = false;
    public bool $checksMandatoryRequirements = false;

    public function name(): string
    {
        return 'system:check_requirements';
    }

    public function description(): string
    {
        return 'Check system requirements';
    }

    protected function configure(): void
    {
    }

    protected function execute(): int
    {
        $rows = [];
        foreach (Requirements::core($this->app->db()) as $requirement) {
            $status = match (true) {
                $requirement->validated === null => '[SKIPPED]',
                $requirement->validated => '[OK]',
                !$requirement->optional => '[ERROR]',
                default => '[INFO]',
            };
            $badge = $requirement->optional ? '[SUGGESTED] ' : '[REQUIRED] ';
            $rows[] = [$badge . $requirement->title, $status, $requirement->validated ? '' : implode(' ', $requirement->messages)];
        }
        $this->output->table($rows, ['Requirement', 'Status', 'Messages']);
        return 0;
    }
}
