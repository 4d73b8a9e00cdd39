<?php
/* GLPI STAND-IN web installer (sitekit tests): the role must remove this file. */
echo 'GLPI STAND-IN installer: this file must not be reachable';
