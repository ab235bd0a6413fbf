#!/usr/bin/env bash
# Rewrites the settings tables of the docs pages (docs/endpoints/*.md, and docs/configuration.md for the web
# entrypoints; between <!-- settings:NAME --> markers)
# from the settings classes' [Setting] declarations. Change a setting's description, default or bounds in its class,
# then run this; SettingsDocsSpecs fails while a page and its class disagree.
#
#   eng/docs-settings.sh          build, then write every table
set -euo pipefail
cd "$(dirname "$0")/.."
RX_MEDIATION_WRITE_SETTINGS_DOCS=1 dotnet test specs/Rx.Mediation.Config.Specs --nologo -v q \
  --filter "FullyQualifiedName~SettingsDocsSpecs.Each_docs_page_shows_the_settings_table_generated_from_its_settings_class"
git --no-pager diff --stat -- docs
