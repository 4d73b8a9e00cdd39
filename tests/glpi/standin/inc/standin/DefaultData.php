<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The default rows GLPI's installer writes that the role and its tests depend on, transcribed from
 * glpi-project/glpi 10.0.x install/empty_data.php ($tables['glpi_configs'] core entries used here,
 * $tables['glpi_crontasks'], $tables['glpi_users'] with USER_GLPI=2, USER_POST_ONLY=3, USER_TECH=4,
 * USER_NORMAL=5, USER_SYSTEM=6). Every task is inserted with GLPI's column defaults for the rest
 * (allowmode 3 = internal|external, hourmin 0, hourmax 24; install/mysql/glpi-empty.sql).
 * The 11.0.x installer keeps these tasks and modes (not re-verified task by task: see the report).
 */
namespace Standin;

final class DefaultData
{
    public const STATE_DISABLE = 0;
    public const STATE_WAITING = 1;
    public const STATE_RUNNING = 2;
    public const MODE_INTERNAL = 1; // CronTask::MODE_INTERNAL: run by a browser's GLPI page view
    public const MODE_EXTERNAL = 2; // CronTask::MODE_EXTERNAL: run by front/cron.php from the system cron (CLI)

    /** [id, itemtype, name, frequency (s), param, state, mode] */
    public const CRONTASKS = [
        [2, 'CartridgeItem', 'cartridge', 86400, 10, 0, 1],
        [3, 'ConsumableItem', 'consumable', 86400, 10, 0, 1],
        [4, 'SoftwareLicense', 'software', 86400, null, 0, 1],
        [5, 'Contract', 'contract', 86400, null, 1, 1],
        [6, 'Infocom', 'infocom', 86400, null, 1, 1],
        [7, 'CronTask', 'logs', 86400, 30, 0, 1],
        [9, 'MailCollector', 'mailgate', 600, 10, 1, 1],
        [10, 'DBconnection', 'checkdbreplicate', 300, null, 0, 1],
        [11, 'CronTask', 'checkupdate', 604800, null, 0, 1],
        [12, 'CronTask', 'session', 86400, null, 1, 1],
        [13, 'CronTask', 'graph', 3600, null, 1, 1],
        [14, 'ReservationItem', 'reservation', 3600, null, 1, 1],
        [15, 'Ticket', 'closeticket', 43200, null, 1, 1],
        [16, 'Ticket', 'alertnotclosed', 43200, null, 1, 1],
        [17, 'SlaLevel_Ticket', 'slaticket', 300, null, 1, 1],
        [18, 'Ticket', 'createinquest', 86400, null, 1, 1],
        [19, 'CronTask', 'watcher', 86400, null, 1, 1],
        [20, 'CommonITILRecurrentCron', 'RecurrentItems', 3600, null, 1, 1],
        [21, 'PlanningRecall', 'planningrecall', 300, null, 1, 1],
        [22, 'QueuedNotification', 'queuednotification', 60, 50, 1, 1],
        [23, 'QueuedNotification', 'queuednotificationclean', 86400, 30, 1, 1],
        [24, 'CronTask', 'temp', 3600, null, 1, 1],
        [25, 'MailCollector', 'mailgateerror', 86400, null, 1, 1],
        [26, 'CronTask', 'circularlogs', 86400, 4, 0, 1],
        [27, 'ObjectLock', 'unlockobject', 86400, 4, 0, 1],
        [28, 'SavedSearch', 'countAll', 604800, null, 0, 1],
        [29, 'SavedSearch_Alert', 'savedsearchesalerts', 86400, null, 0, 1],
        [30, 'Telemetry', 'telemetry', 2592000, null, 0, 1],
        [31, 'Certificate', 'certificate', 86400, null, 1, 1],
        [32, 'OlaLevel_Ticket', 'olaticket', 300, null, 1, 1],
        [33, 'PurgeLogs', 'PurgeLogs', 604800, 24, 1, 2],
        [34, 'Ticket', 'purgeticket', 604800, null, 0, 2],
        [35, 'Document', 'cleanorphans', 604800, null, 0, 2],
        [36, 'User', 'passwordexpiration', 86400, 100, 0, 2],
        [37, 'Glpi\\Marketplace\\Controller', 'checkAllUpdates', 86400, null, 1, 2],
        [38, 'CleanSoftwareCron', 'cleansoftware', 2592000, 1000, 0, 2],
        [39, 'Domain', 'DomainsAlert', 86400, null, 1, 2],
        [40, 'Glpi\\Inventory\\Inventory', 'cleantemp', 86400, null, 0, 2],
        [41, 'Glpi\\Inventory\\Inventory', 'cleanorphans', 604800, null, 1, 2],
        [42, 'PendingReasonCron', 'pendingreason_autobump_autosolve', 1800, null, 1, 2],
        [43, 'Agent', 'Cleanoldagents', 86400, null, 1, 2],
    ];

    /**
     * GLPI's documented default accounts (doc-install: glpi/glpi, tech/tech, normal/normal,
     * post-only/postonly) and the system user with no password. GLPI ships precomputed
     * password_hash() values (bcrypt, $2y$10$); the stand-in computes equivalent ones at install.
     * [id, login, password or null, language]
     */
    public const USERS = [
        [2, 'glpi', 'glpi', null],
        [3, 'post-only', 'postonly', 'en_GB'],
        [4, 'tech', 'tech', 'en_GB'],
        [5, 'normal', 'normal', 'en_GB'],
        [6, 'glpi-system', null, null],
    ];

    /** Core configuration entries the stand-in reads (the rest of GLPI's ~300 are not reproduced). */
    public static function configs(string $language): array
    {
        return [
            'version' => GLPI_VERSION,
            'dbversion' => GLPI_SCHEMA_VERSION,
            'language' => $language,
            'cron_limit' => '5',
            'use_log_in_files' => '1',
            'maintenance_mode' => '0',
            'maintenance_text' => '',
            'url_base' => 'http://localhost/glpi',
            'founded_new_version' => '',
            'instance_uuid' => bin2hex(random_bytes(20)),
        ];
    }
}
