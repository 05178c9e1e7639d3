#include "interrupt_cleanup.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

enum { slot_count = 128, name_capacity = 256 };

// A slot is published by writing its paths first and then setting `in_use` with release order; the handler
// reads `in_use` with acquire order, so it never sees a half-written path.
struct slot {
    char path[PATH_MAX];
    char name[name_capacity];
    int is_directory; // 0: an output file (named), 1: a folder, 2: a run record (removed, not named)
    int in_use;
};

static struct slot slots[slot_count];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static char program_name[64] = "mazerender";
static int installed = 0;

static void write_text(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(STDERR_FILENO, text, length);
        if (written <= 0) return;
        text += written;
        length -= (size_t)written;
    }
}

static const char *signal_label(int signal_number) {
    switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

static void on_signal(int signal_number) {
    int removed = 0;
    write_text("\n");
    write_text(program_name);
    write_text(": interrupted by ");
    write_text(signal_label(signal_number));
    for (int i = 0; i < slot_count; i++) {
        if (!__atomic_load_n(&slots[i].in_use, __ATOMIC_ACQUIRE) || slots[i].is_directory != 0) continue;
        unlink(slots[i].path);
        write_text(removed == 0 ? "; unfinished output removed, nothing written to " : ", ");
        write_text("'");
        write_text(slots[i].name);
        write_text("'");
        removed++;
    }
    for (int i = 0; i < slot_count; i++) {
        if (__atomic_load_n(&slots[i].in_use, __ATOMIC_ACQUIRE) && slots[i].is_directory == 2) unlink(slots[i].path);
    }
    // Folders made for the output go after the files in them, the last made (the deepest) first; rmdir leaves
    // a folder that holds anything else.
    for (int i = slot_count - 1; i >= 0; i--) {
        if (__atomic_load_n(&slots[i].in_use, __ATOMIC_ACQUIRE) && slots[i].is_directory == 1) rmdir(slots[i].path);
    }
    if (removed == 0) write_text("; no output was being written");
    write_text("\n");
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void mr_interrupt_cleanup_install(const char *program) {
    pthread_mutex_lock(&slots_lock);
    if (!installed) {
        if (program != NULL) {
            strncpy(program_name, program, sizeof program_name - 1);
            program_name[sizeof program_name - 1] = '\0';
        }
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_signal;
        sigfillset(&action.sa_mask);
        int signals[] = {SIGINT, SIGTERM, SIGHUP};
        sigset_t unblock;
        sigemptyset(&unblock);
        for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
            struct sigaction previous;
            // SIGINT and SIGHUP ignored by whoever started us (a shell's background job, `nohup`) stay ignored;
            // SIGTERM, the polite way to stop a process, is always handled.
            if (signals[i] != SIGTERM && sigaction(signals[i], NULL, &previous) == 0
                && previous.sa_handler == SIG_IGN) continue;
            sigaction(signals[i], &action, NULL);
            sigaddset(&unblock, signals[i]);
        }
        // A mask inherited blocked (some launchers block signals in their threads) would hold them forever.
        pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
        installed = 1;
    }
    pthread_mutex_unlock(&slots_lock);
}

static int register_path(const char *temporary_path, const char *display_name, int is_directory) {
    if (temporary_path == NULL || strlen(temporary_path) >= PATH_MAX) return -1;
    int found = -1;
    pthread_mutex_lock(&slots_lock);
    for (int i = 0; i < slot_count; i++) {
        if (__atomic_load_n(&slots[i].in_use, __ATOMIC_ACQUIRE)) continue;
        strcpy(slots[i].path, temporary_path);
        const char *name = display_name != NULL ? display_name : temporary_path;
        strncpy(slots[i].name, name, name_capacity - 1);
        slots[i].name[name_capacity - 1] = '\0';
        slots[i].is_directory = is_directory;
        __atomic_store_n(&slots[i].in_use, 1, __ATOMIC_RELEASE);
        found = i;
        break;
    }
    pthread_mutex_unlock(&slots_lock);
    return found;
}

int mr_interrupt_cleanup_register(const char *temporary_path, const char *display_name) {
    return register_path(temporary_path, display_name, 0);
}

int mr_interrupt_cleanup_register_directory(const char *path) {
    return register_path(path, path, 1);
}

int mr_interrupt_cleanup_register_record(const char *path) {
    return register_path(path, path, 2);
}

void mr_interrupt_cleanup_unregister(int slot) {
    if (slot < 0 || slot >= slot_count) return;
    pthread_mutex_lock(&slots_lock);
    __atomic_store_n(&slots[slot].in_use, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&slots_lock);
}

int mr_interrupt_cleanup_count(void) {
    int count = 0;
    for (int i = 0; i < slot_count; i++) count += __atomic_load_n(&slots[i].in_use, __ATOMIC_ACQUIRE) ? 1 : 0;
    return count;
}
