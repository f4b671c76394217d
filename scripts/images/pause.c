/*
 * /pause for the trustpatch-test/noshell image: a distroless-like container whose only
 * program sleeps until it is told to stop. Built with `gcc -static` so the image needs no
 * libc and has no shell at all.
 *
 * As PID 1 a process gets no default action for SIGTERM/SIGINT, so without handlers
 * `docker stop` would wait its full timeout and then SIGKILL; exiting on them keeps test
 * teardown fast (the same reason the Kubernetes pause container handles them).
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_signal(int sig) {
  (void)sig;
  _exit(0);
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  for (;;) pause();
  return EXIT_SUCCESS;
}
