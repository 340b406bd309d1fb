#!/usr/bin/env bash
# Copy the front-end packages installed from npm (package-lock.json) into the ignored
# fupin/static/vendor folder that the templates serve. No third-party code is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts
fi
out=fupin/static/vendor
rm -rf "$out"
mkdir -p "$out"/{htmx,echarts,bootstrap-icons,swagger-ui-dist}
cp -r node_modules/bootstrap/dist "$out/bootstrap"
cp -r node_modules/bootstrap-icons/font/. "$out/bootstrap-icons/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
for f in swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js favicon-32x32.png; do
  cp "node_modules/swagger-ui-dist/$f" "$out/swagger-ui-dist/"
done
