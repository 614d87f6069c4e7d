#!/usr/bin/env bash
# Refreshes the vendored Système de design de l'État (DSFR) under dsfr/ from the
# version pinned in internal/web/browsertest/package.json (and its package-lock.json): npm ci, then copy
# the built CSS, the files it references (Marianne and Spectral fonts, the icons
# of its components), the favicons and the licence. Run it after changing the
# pinned version, then commit dsfr/. `go run ./cmd/aap dev` needs none of this:
# the engine serves the committed files from an embed.FS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="$(cd "$here/../browsertest" && pwd)"
# The package's preinstall script asks for a project scaffold we do not use: .npmrc sets ignore-scripts.
npm ci --prefix "$tools" --no-audit --no-fund
src="$tools/node_modules/@gouvfr/dsfr"
version="$(node -p "require('$src/package.json').version")"
dest="$here/dsfr"
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/dist/dsfr.min.css" "$dest/"
cp "$src/LICENSE.md" "$dest/"
mkdir -p "$dest/favicon"
cp "$src/dist/favicon/favicon.svg" "$src/dist/favicon/favicon.ico" "$src/dist/favicon/apple-touch-icon.png" "$dest/favicon/"
# Every relative url(...) of the stylesheet (data: URIs stay inline).
grep -o 'url([^)]*)' "$dest/dsfr.min.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']$//" |
  grep -v '^data:' | sed -e 's/[?#].*$//' | sort -u | while read -r ref; do
    mkdir -p "$dest/$(dirname "$ref")"
    cp "$src/dist/$ref" "$dest/$ref"
  done
echo "$version" > "$dest/VERSION"
echo "DSFR $version vendored in $dest ($(du -sh "$dest" | cut -f1))"
