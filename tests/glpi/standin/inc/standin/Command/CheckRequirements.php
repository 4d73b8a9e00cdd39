<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * system:check_requirements, after glpi-project/glpi src/Console/System/CheckRequirementsCommand.php (10.0.x)
 * and src/Glpi/Console/System/CheckRequirementsCommand.php (11.0.x): no database needed, the mandatory
 * requirements are not enforced before it runs, it prints one row per requirement ([OK], [ERROR] for a missing
 * mandatory one, [INFO] for an optional one, [SKIPPED] out of context) and ALWAYS exits 0: a caller must read
 * the table, or rely on the 128 exit of the commands that enforce the requirements. The words are GLPI's __()
 * strings: in the console's language (Application::language(): --lang, else the configured one), so a GLPI
 * installed with --default-language=fr_FR prints [ERREUR], [IGNORÉ], [REQUIS] (locales/fr_FR.po).
 */
namespace Standin\Command;

use Standin\Release;
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
        $lang = $this->app->language();
        $word = fn (string $msgid) => Release::translate($lang, $msgid);
        $rows = [];
        foreach (Requirements::core($this->app->db()) as $requirement) {
            $status = '[' . $word(match (true) {
                $requirement->validated === null => 'SKIPPED',
                $requirement->validated => 'OK',
                !$requirement->optional => 'ERROR',
                default => 'INFO',
            }) . ']';
            $badge = '[' . $word($requirement->optional ? 'SUGGESTED' : 'REQUIRED') . '] ';
            $rows[] = [$badge . $requirement->title, $status, $requirement->validated ? '' : implode(' ', $requirement->messages)];
        }
        $this->output->table($rows, [$word('Requirement'), $word('Status'), $word('Messages')]);
        return 0;
    }
}
