<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * Automatic actions as glpi-project/glpi 10.0.x src/CronTask.php runs them:
 *  - launch($mode, $max, $name): refused in maintenance mode; takes the "glpicron" database lock; up to $max
 *    times, picks the next task getNeedToRun() returns, start() (state RUNNING, lastrun = now to the minute,
 *    a "start" crontasklog), runs it, end() (state back, a "stop" crontasklog) and logs
 *    "External #i: Launch <name>" in GLPI_LOG_DIR/cron.log;
 *  - getNeedToRun($mode, $name): core tasks with state WAITING and mode = $mode (CLI runs MODE_EXTERNAL only;
 *    a negative mode is --force: any non-running task whose allowmode includes it), none when
 *    GLPI_CRON_DIR/all.lock exists, inside hourmin/hourmax, lastrun NULL or lastrun + frequency <= now,
 *    ordered by lastrun + frequency;
 *  - with no task in CLI mode at all, "No task with Run mode = CLI, fix your tasks configuration" is logged.
 * The stand-in performs no task's work: running a task means recording it (GLPI's rows and cron.log, and
 * the stand-in's standin-cron.log) so tests see which tasks the system cron really runs.
 */
namespace Standin;

final class Cron
{
    /** @return string[] names of the tasks started */
    public static function launch(\mysqli $db, int $mode, int $max, string $name = ''): array
    {
        $config = Database::coreConfig($db);
        if (!empty($config['maintenance_mode'])) {
            Log::inFile('cron', "Maintenance mode enabled, running tasks is disabled\n");
            return [];
        }
        if (abs($mode) === DefaultData::MODE_EXTERNAL
            && (int) $db->query('SELECT COUNT(*) FROM glpi_crontasks WHERE mode = 2')->fetch_row()[0] === 0) {
            Log::inFile('cron', "No task with Run mode = CLI, fix your tasks configuration\n");
        }
        if ((int) $db->query("SELECT GET_LOCK('glpicron', 0)")->fetch_row()[0] !== 1) {
            return [];
        }
        $ran = [];
        try {
            for ($i = 1; $i <= $max; $i++) {
                $task = self::needToRun($db, $mode, $name);
                if ($task === null) {
                    break;
                }
                if (!self::start($db, $task)) {
                    continue;
                }
                $prefix = sprintf('%s #%s', abs($mode) === DefaultData::MODE_EXTERNAL ? 'External' : 'Internal', $i);
                Log::inFile('cron', sprintf("%s: Launch %s\n", $prefix, $task['name']), 'cron_' . $task['name']);
                self::end($db, $task);
                $ran[] = $task['name'];
            }
        } finally {
            $db->query("SELECT RELEASE_LOCK('glpicron')");
        }
        return $ran;
    }

    private static function needToRun(\mysqli $db, int $mode, string $name): ?array
    {
        $where = ["itemtype NOT LIKE 'Plugin%'", "itemtype NOT LIKE 'GlpiPlugin%'"];
        $params = [];
        if ($name !== '') {
            $where[] = 'name = ?';
            $params[] = $name;
        }
        if ($mode < 0) {
            $where[] = 'state != ' . DefaultData::STATE_RUNNING;
            $where[] = 'allowmode & ' . (-$mode);
        } else {
            if (is_file(GLPI_CRON_DIR . '/all.lock')) {
                return null;
            }
            $where[] = 'state = ' . DefaultData::STATE_WAITING;
            if ($mode > 0) {
                $where[] = 'mode = ' . $mode;
            }
            foreach (glob(GLPI_CRON_DIR . '/*.lock') ?: [] as $lock) {
                $where[] = 'name != ?';
                $params[] = basename($lock, '.lock');
            }
            $where[] = '((hourmin < hourmax AND hourmin <= HOUR(CURTIME()) AND hourmax > HOUR(CURTIME()))'
                . ' OR (hourmin > hourmax AND (hourmin <= HOUR(CURTIME()) OR hourmax > HOUR(CURTIME()))))';
            $where[] = '(lastrun IS NULL OR UNIX_TIMESTAMP(lastrun) + frequency <= UNIX_TIMESTAMP(NOW()))';
        }
        $stmt = $db->prepare('SELECT * FROM glpi_crontasks WHERE ' . implode(' AND ', $where)
            . ' ORDER BY UNIX_TIMESTAMP(lastrun) + frequency LIMIT 1');
        if ($params) {
            $stmt->bind_param(str_repeat('s', count($params)), ...$params);
        }
        $stmt->execute();
        return $stmt->get_result()->fetch_assoc() ?: null;
    }

    private static function start(\mysqli $db, array $task): bool
    {
        $db->query(sprintf(
            "UPDATE glpi_crontasks SET state = %d, lastrun = DATE_FORMAT(NOW(), '%%Y-%%m-%%d %%H:%%i:00') WHERE id = %d AND state != %d",
            DefaultData::STATE_RUNNING,
            $task['id'],
            DefaultData::STATE_RUNNING
        ));
        if ($db->affected_rows < 1) {
            return false;
        }
        $db->query(sprintf(
            "INSERT INTO glpi_crontasklogs (crontasks_id, crontasklogs_id, date, state, elapsed, volume, content) VALUES (%d, 0, NOW(), 0, 0, 0, 'Run mode: %s')",
            $task['id'],
            PHP_SAPI === 'cli' ? 'CLI' : 'GLPI'
        ));
        return true;
    }

    private static function end(\mysqli $db, array $task): void
    {
        $start_id = $db->insert_id;
        $db->query(sprintf('UPDATE glpi_crontasks SET state = %d, lastcode = 0 WHERE id = %d', $task['state'], $task['id']));
        $db->query(sprintf(
            "INSERT INTO glpi_crontasklogs (crontasks_id, crontasklogs_id, date, state, elapsed, volume, content) VALUES (%d, %d, NOW(), 2, 0, 0, 'Action completed, no processing required')",
            $task['id'],
            $start_id
        ));
    }
}
