// pcsc-lite's SCard API (the same calls as WinSCard on Windows). pkg-config adds
// -I/usr/include/PCSC, where winscard.h lives.
#include <winscard.h>
