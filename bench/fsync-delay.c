/*
 * LD_PRELOAD shim for the benches: every fsync() and fdatasync() waits FSYNC_DELAY_MS milliseconds (a decimal)
 * before it runs, as on an SD card where a flush takes milliseconds instead of this machine's ~0.4 ms.
 * Built by bench/lib.sh (fsync_delay_library); only ever preloaded into a bench's own JVM.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

static void delay(void) {
    const char *ms = getenv("FSYNC_DELAY_MS");
    double d = ms == NULL ? 0 : atof(ms);
    if (d <= 0) {
        return;
    }
    long ns = (long) (d * 1e6);
    struct timespec left = { ns / 1000000000L, ns % 1000000000L };
    int saved = errno;
    while (nanosleep(&left, &left) == -1 && errno == EINTR) {
    }
    errno = saved;
}

int fsync(int fd) {
    static int (*real)(int);
    if (real == NULL) {
        real = (int (*)(int)) dlsym(RTLD_NEXT, "fsync");
    }
    delay();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (real == NULL) {
        real = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    }
    delay();
    return real(fd);
}
