# Builds the ccassure Windows installer: freeze with PyInstaller, smoke-test, package with NSIS.
#
# UNTESTED ON WINDOWS. It was written on Linux, where only installer\windows\ccassure.nsi is
# compiled (against a stand-in layout, by tests\test_windows_installer.py). Run it once by hand
# on a build machine and fix what it finds before relying on it.
#
# Needs: 64-bit Python 3.11+ (python.org installer, "py" launcher) and NSIS 3.08+ (makensis.exe
# on PATH or in its default folder). Run from anywhere:
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Optional Authenticode signing (see installer\windows\README.md), e.g.:
#   $env:CCASSURE_SIGN = 'signtool sign /fd SHA256 /sha1 <thumbprint> /tr http://timestamp.example /td SHA256 "%1"'

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    Write-Host "== $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$Venv = Join-Path $Root ".venv-build"
$Python = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Python)) {
    Invoke-Checked "create the build environment" { py -3 -m venv $Venv }
}
Invoke-Checked "update pip" { & $Python -m pip install --upgrade pip }
Invoke-Checked "install ccassure and its build tools" { & $Python -m pip install ".[build]" }
$Version = (& $Python -c "import ccassure; print(ccassure.__version__)").Trim()

Invoke-Checked "generate the icons" { & $Python installer\make_icons.py resources\icons\ccassure.svg build\icons }
$Icon = Join-Path $Root "build\icons\ccassure.ico"
if (-not (Test-Path $Icon)) { throw "installer\make_icons.py did not write $Icon" }

Invoke-Checked "freeze with PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installer\ccassure.spec
}
$Dist = Join-Path $Root "dist\ccassure"

# The smoke test runs the frozen console executable on a throw-away data folder.
$Smoke = Join-Path $env:TEMP "ccassure-smoke"
if (Test-Path $Smoke) { Remove-Item -Recurse -Force $Smoke }
Invoke-Checked "smoke-test the frozen build" { & (Join-Path $Dist "ccassure.exe") --data-dir $Smoke self-test }
Remove-Item -Recurse -Force $Smoke

$MakeNsis = (Get-Command makensis.exe -ErrorAction SilentlyContinue).Source
if (-not $MakeNsis) { $MakeNsis = Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe" }
if (-not (Test-Path $MakeNsis)) { throw "makensis.exe not found: install NSIS 3.08 or newer" }
$Out = Join-Path $Root "dist\ccassure-setup-$Version.exe"
$Defines = @("-DVERSION=$Version", "-DDIST=$Dist", "-DICON=$Icon", "-DOUT=$Out")
if ($env:CCASSURE_SIGN) { $Defines += "-DSIGN=$env:CCASSURE_SIGN" }
Invoke-Checked "package with NSIS" { & $MakeNsis -WX @Defines installer\windows\ccassure.nsi }

$BuildSize = (Get-ChildItem -Recurse -File $Dist | Measure-Object -Sum Length).Sum
Write-Host ("one-folder build: {0:N1} MB; installer: {1:N1} MB ({2})" -f ($BuildSize / 1MB), ((Get-Item $Out).Length / 1MB), $Out)
