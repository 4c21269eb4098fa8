#!/bin/sh
# Builds the deployment package for the Function App: .deploy/package/ (what azd deploys, see azure.yaml) and
# .deploy/app.zip (for `az functionapp deployment source config-zip`). It holds dist/, host.json, package.json,
# package-lock.json and the production dependencies only; the working tree's node_modules is left alone.
set -eu
cd "$(dirname "$0")/.."

npm run build
rm -rf .deploy
mkdir -p .deploy/package
cp -R dist host.json package.json package-lock.json .deploy/package/
# The benchmarks are not part of the app (the simulator stays: the local demo and the CLI's --connect-to use it).
rm -rf .deploy/package/dist/bench
# Files the app reads by path (TRUSTED_CA_FILE, PROFILE_FILES) travel in the package from deploy-files/ if it exists.
if [ -d deploy-files ]; then cp -R deploy-files/. .deploy/package/; fi
# --ignore-scripts: the "prepare" script compiles TypeScript, which is a dev dependency and already done.
(cd .deploy/package && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
# azd applies .funcignore to the package folder; without one it would leave node_modules out.
printf '# Made by scripts/package.sh: everything here is deployed, node_modules included.\n*.tsbuildinfo\n' > .deploy/package/.funcignore

if command -v zip >/dev/null 2>&1; then
  (cd .deploy/package && zip -qr ../app.zip . -x .funcignore)
  echo "package: .deploy/package/ and .deploy/app.zip"
else
  echo "package: .deploy/package/ (no zip command here: zip that folder's contents to deploy with az)"
fi
