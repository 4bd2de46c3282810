; ccassure Windows installer: a per-machine, silent-capable, offline install of the frozen build.
;
; Compile (build.ps1 does this on Windows; tests/test_windows_installer.py on Linux):
;   makensis -WX -DVERSION=0.1.0 -DDIST=dist\ccassure -DICON=build\icons\ccassure.ico ^
;            -DOUT=dist\ccassure-setup-0.1.0.exe installer\windows\ccassure.nsi
; Optional: -DSIGN="signtool sign /fd SHA256 ... %1" signs the uninstaller and the installer.
;
; Deploy: ccassure-setup-0.1.0.exe /S [/DESKTOPSHORTCUT] [/D=C:\path\to\ccassure]
; Remove: "C:\Program Files\ccassure\uninstall.exe" /S
;
; The installer downloads nothing, checks for no updates, and never asks for a reboot.

!pragma warning error all

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin
ManifestSupportedOS all
ManifestDPIAware true

!ifndef DIST
  !error "Pass the frozen one-folder build: makensis -DDIST=dist\ccassure ..."
!endif
!if ! /FILEEXISTS "${DIST}\ccassure.exe"
  !error "${DIST}\ccassure.exe is missing: run PyInstaller with installer\ccassure.spec first"
!endif
!if ! /FILEEXISTS "${DIST}\ccassure-gui.exe"
  !error "${DIST}\ccassure-gui.exe is missing: run PyInstaller with installer\ccassure.spec first"
!endif
!if ! /FILEEXISTS "${DIST}\_internal"
  !error "${DIST}\_internal is missing: DIST must be PyInstaller's one-folder output"
!endif
!ifndef VERSION
  !error "Pass the version: makensis -DVERSION=0.1.0 (ccassure.__version__)"
!endif
!ifndef ICON
  !error "Pass the icon: makensis -DICON=build\icons\ccassure.ico (installer\make_icons.py)"
!endif
!if ! /FILEEXISTS "${ICON}"
  !error "${ICON} is missing: run installer\make_icons.py first"
!endif
!define /ifndef OUT "ccassure-setup-${VERSION}.exe"

; Windows version resources need four numbers; 0.1.0 becomes 0.1.0.0.
!searchparse /noerrors "${VERSION}" "" VERSION_MAJOR "." VERSION_MINOR "." VERSION_PATCH
!ifndef VERSION_PATCH
  !error "VERSION must be MAJOR.MINOR.PATCH with numbers only, not '${VERSION}'"
!endif
!define VERSION_QUAD "${VERSION_MAJOR}.${VERSION_MINOR}.${VERSION_PATCH}.0"

!define APP_ID "uk.police.ccassure"
; Placeholder publisher name: change it to the organisation that issues the build.
!define PUBLISHER "C&C Replacement Programme Assurance"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define DEFAULT_DIR "$PROGRAMFILES64\ccassure"
!define /date YEAR "%Y"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include x64.nsh

Name "ccassure"
OutFile "${OUT}"
InstallDir "${DEFAULT_DIR}"
ShowInstDetails show
ShowUninstDetails show
BrandingText "ccassure ${VERSION}"
; A file that cannot be replaced (the app still running) stops the install instead of
; leaving a mix of two versions.
AllowSkipFiles off

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=1033 "ProductName" "ccassure"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "ccassure ${VERSION} setup"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Copyright ${YEAR} ${PUBLISHER}"

!ifdef SIGN
  !uninstfinalize '${SIGN}'
  !finalize '${SIGN}'
!endif

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; A running copy holds its executable open, and Windows refuses to write to it: that is
; checked before anything is removed, so setup and the uninstaller stop with the installed
; version still whole (deleting _internal first removed every unlocked file of it).
!macro STOP_IF_RUNNING AGAIN
  !insertmacro STOP_IF_LOCKED "$INSTDIR\ccassure.exe" "${AGAIN}"
  !insertmacro STOP_IF_LOCKED "$INSTDIR\ccassure-gui.exe" "${AGAIN}"
!macroend
!macro STOP_IF_LOCKED FILE AGAIN
  ${If} ${FileExists} "${FILE}"
    ClearErrors
    FileOpen $0 "${FILE}" a
    ${If} ${Errors}
      MessageBox MB_OK|MB_ICONSTOP "ccassure is running: close it, then ${AGAIN} again." /SD IDOK
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Section "ccassure" SEC_APP
  SectionIn RO
  SetOutPath "$INSTDIR"
  !insertmacro STOP_IF_RUNNING "run setup"
  ; An older version's libraries must not mix with this one's: remove them first.
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
    RMDir /r "$INSTDIR\_internal"
    ${If} ${FileExists} "$INSTDIR\_internal\*.*"
      MessageBox MB_OK|MB_ICONSTOP "ccassure is running: close it, then run setup again." /SD IDOK
      Abort
    ${EndIf}
  ${EndIf}
  File "${DIST}\ccassure.exe"
  File "${DIST}\ccassure-gui.exe"
  File /r "${DIST}\_internal"
  File "/oname=ccassure.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\ccassure.lnk" "$INSTDIR\ccassure-gui.exe" "" \
    "$INSTDIR\ccassure.ico" 0 SW_SHOWNORMAL "" "Assess, review and sign off DPIAs, EIAs and accessibility tests"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "ccassure"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\ccassure.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section /o "Desktop shortcut" SEC_DESKTOP
  CreateShortcut "$DESKTOP\ccassure.lnk" "$INSTDIR\ccassure-gui.exe" "" "$INSTDIR\ccassure.ico" 0
SectionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "ccassure needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ; An upgrade goes where the previous version is, unless /D chose another folder.
  ReadRegStr $0 HKLM "${UNINSTALL_KEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} $INSTDIR == "${DEFAULT_DIR}"
    StrCpy $INSTDIR $0
  ${EndIf}
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/DESKTOPSHORTCUT" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${SEC_DESKTOP} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; Removes only what setup installed. The user's stores, backups and settings live under
; %LOCALAPPDATA%\ccassure (platformdirs) and are never touched here; nor is $INSTDIR removed
; recursively, in case /D pointed at a folder that holds other files.
Section "Uninstall"
  !insertmacro STOP_IF_RUNNING "uninstall"
  RMDir /r "$INSTDIR\_internal"
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
    MessageBox MB_OK|MB_ICONSTOP "ccassure is running: close it, then uninstall again." /SD IDOK
    Abort
  ${EndIf}
  Delete "$SMPROGRAMS\ccassure.lnk"
  Delete "$DESKTOP\ccassure.lnk"
  Delete "$INSTDIR\ccassure.exe"
  Delete "$INSTDIR\ccassure-gui.exe"
  Delete "$INSTDIR\ccassure.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
