<?php
/*
 * GLPI STAND-IN (sitekit tests) -- this is NOT GLPI.
 * What differs between the two GLPI lines the stand-in reproduces, in one place.
 */
namespace Standin;

final class Release
{
    public static function isEleven(): bool
    {
        return str_starts_with(GLPI_VERSION, '11.');
    }

    /** Application exit codes (10.0.x src/Console/Application.php; 11.0.x src/Glpi/Console/Application.php). */
    public static function exitMissingRequirements(): int
    {
        return 128; // ERROR_MISSING_REQUIREMENTS, both lines
    }

    public static function exitConfigWriteAccessDenied(): int
    {
        return 129; // ERROR_CONFIG_WRITE_ACCESS_DENIED, both lines
    }

    public static function exitDbOutdated(): int
    {
        return self::isEleven() ? 131 : 129; // ERROR_DB_OUTDATED (10.0.x reuses 129)
    }

    /** 11.0.x only: ERROR_DB_UNAVAILABLE; 10.0.x throws a RuntimeException instead (exit 1). */
    public static function exitDbUnavailable(): int
    {
        return 130;
    }

    /** Glpi\Toolbox\VersionParser::isStableRelease: x.y.z without -dev/-alpha/-beta/-rc suffix. */
    public static function isStable(string $version): bool
    {
        return preg_match('/^\d+\.\d+\.\d+$/', self::normalized($version)) === 1;
    }

    /** Glpi\Toolbox\VersionParser::getIntermediateVersion(): "11.0" of "11.0.3" (major.minor). */
    public static function intermediate(string $version): string
    {
        return preg_match('/^(\d+)\.(\d+)/', self::normalized($version), $m) ? "$m[1].$m[2]" : self::normalized($version);
    }

    /** Version without the "@schema-hash" suffix dbversion carries. */
    public static function normalized(string $version): string
    {
        return preg_replace('/@.+$/', '', trim($version));
    }

    /** Update::isDbUpToDate(): stored dbversion equals GLPI_SCHEMA_VERSION (hash ignored if either lacks one). */
    public static function isDbUpToDate(?string $stored_dbversion): bool
    {
        if ($stored_dbversion === null) {
            return false;
        }
        $installed = trim($stored_dbversion);
        $defined = GLPI_SCHEMA_VERSION;
        if (!str_contains($installed, '@') || !str_contains($defined, '@')) {
            $installed = self::normalized($installed);
            $defined = self::normalized($defined);
        }
        return $installed === $defined;
    }

    /** Minimum database servers (10.0.x src/System/Requirement/DbEngine.php; 11.0.x install docs). */
    public static function minDbVersion(string $server): string
    {
        if (self::isEleven()) {
            return $server === 'MariaDB' ? '10.5' : '8.0';
        }
        return $server === 'MariaDB' ? '10.2' : '5.7';
    }

    /** Languages GLPI knows ($CFG_GLPI['languages'] keys, 10.0.x inc/define.php). */
    public const LANGUAGES = [
        'ar_SA', 'bg_BG', 'id_ID', 'ms_MY', 'ca_ES', 'cs_CZ', 'de_DE', 'da_DK', 'et_EE', 'en_GB', 'en_US', 'es_AR',
        'es_EC', 'es_CO', 'es_ES', 'es_419', 'es_MX', 'es_VE', 'eu_ES', 'fr_FR', 'fr_CA', 'fr_BE', 'gl_ES', 'el_GR',
        'he_IL', 'hi_IN', 'hr_HR', 'hu_HU', 'it_IT', 'kn', 'lv_LV', 'lt_LT', 'mn_MN', 'nl_NL', 'nl_BE', 'nb_NO', 'nn_NO',
        'fa_IR', 'pl_PL', 'pt_PT', 'pt_BR', 'ro_RO', 'ru_RU', 'sk_SK', 'sl_SI', 'sr_RS', 'fi_FI', 'sv_SE', 'vi_VN',
        'th_TH', 'tr_TR', 'uk_UA', 'ja_JP', 'zh_CN', 'zh_TW', 'ko_KR', 'zh_HK', 'be_BY', 'is_IS', 'eo', 'es_CL',
    ];

    /**
     * GLPI's translation (__()) of the words system:check_requirements prints, for fr_FR, the role's default language
     * (10.0.x locales/fr_FR.po, msgids from src/Console/System/CheckRequirementsCommand.php). Every other message of
     * the stand-in stays in English whatever the language: nothing in the role reads them.
     */
    private const FR_FR = [
        'Requirement' => 'Pré-requis', 'Status' => 'Statut', 'Messages' => 'Messages', 'OK' => 'OK',
        'ERROR' => 'ERREUR', 'INFO' => 'INFO', 'SKIPPED' => 'IGNORÉ',
        // mb_strtoupper(__('Required')), mb_strtoupper(__('Suggested')): the badges (PHP may lack mbstring here)
        'REQUIRED' => 'REQUIS', 'SUGGESTED' => 'SUGGÉRÉ',
    ];

    public static function translate(string $language, string $msgid): string
    {
        return $language === 'fr_FR' ? (self::FR_FR[$msgid] ?? $msgid) : $msgid;
    }

    /** 11.0.x Glpi\Application\Environment values (the --env option). */
    public const ENVIRONMENTS = ['production', 'staging', 'testing', 'development'];

    /** GLPI_SYSTEM_CRON as each line reads it: 10.0.x defined(), 11.0.x the constant's value. */
    public static function systemCron(): bool
    {
        if (self::isEleven()) {
            return (bool) GLPI_SYSTEM_CRON;
        }
        return defined('GLPI_SYSTEM_CRON');
    }
}
