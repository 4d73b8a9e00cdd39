<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * The user commands GLPI 11.0.x adds (none exist in 10.0.x), after glpi-project/glpi
 * src/Glpi/Console/User/AbstractUserCommand.php, ResetPasswordCommand.php, EnableCommand.php, DisableCommand.php:
 *  - user:reset_password <username> [-p|--password[=PASSWORD]]: a local account only (authtype 1,
 *    Auth::DB_GLPI); without -p the password is asked twice on STDIN ("Passwords do not match" -> 1);
 *    stored as password_hash() (Auth::getPasswordHash()); no password given = nothing changed;
 *  - user:enable / user:disable <username>: is_active 1/0; "User not found" -> exit 1.
 * They need an up-to-date database (ERROR_DB_OUTDATED otherwise).
 */
namespace Standin\Command;

use Standin\InputOption;

abstract class AbstractUser extends Command
{
    protected function configure(): void
    {
        $this->definition->addArgument('username', true);
    }

    protected function findUser(): ?array
    {
        $stmt = $this->app->db()->prepare('SELECT id, authtype FROM glpi_users WHERE name = ?');
        $username = $this->input->getArgument('username');
        $stmt->bind_param('s', $username);
        $stmt->execute();
        return $stmt->get_result()->fetch_assoc() ?: null;
    }

    protected function setActive(int $active, string $message): int
    {
        $user = $this->findUser();
        if ($user === null) {
            $this->output->writeln('User not found');
            return 1;
        }
        $this->app->db()->query(sprintf('UPDATE glpi_users SET is_active = %d WHERE id = %d', $active, $user['id']));
        $this->output->writeln($message);
        return 0;
    }
}

final class UserResetPassword extends AbstractUser
{
    public function name(): string
    {
        return 'user:reset_password';
    }

    public function description(): string
    {
        return 'Reset the password of a local GLPI user';
    }

    protected function configure(): void
    {
        parent::configure();
        $this->option('password', 'p', InputOption::VALUE_OPTIONAL);
    }

    protected function execute(): int
    {
        $user = $this->findUser();
        if ($user === null) {
            $this->output->writeln('<error>User not found</error>');
            return 1;
        }
        if ((int) $user['authtype'] !== 1) {
            $this->output->writeln("<error>The authentication method configuration doesn't allow you to change your password.</error>");
            return 1;
        }
        $password = $this->input->getOption('password');
        if ($password === null) {
            $password = $this->questions->ask('Enter password');
            if ($password !== $this->questions->ask('Confirm password')) {
                $this->output->writeln('<error>Passwords do not match</error>');
                return 1;
            }
        }
        if ($password !== null && $password !== '') {
            $hash = password_hash($password, PASSWORD_DEFAULT);
            $stmt = $this->app->db()->prepare('UPDATE glpi_users SET password = ?, password_last_update = NOW() WHERE id = ?');
            $stmt->bind_param('si', $hash, $user['id']);
            $stmt->execute();
        }
        $this->output->writeln('<info>Reset password successful.</info>');
        return 0;
    }
}

final class UserEnable extends AbstractUser
{
    public function name(): string
    {
        return 'user:enable';
    }

    public function description(): string
    {
        return 'Enable a GLPI user';
    }

    protected function execute(): int
    {
        return $this->setActive(1, 'User enabled');
    }
}

final class UserDisable extends AbstractUser
{
    public function name(): string
    {
        return 'user:disable';
    }

    public function description(): string
    {
        return 'Disable a GLPI user';
    }

    protected function execute(): int
    {
        return $this->setActive(0, 'User disabled');
    }
}
