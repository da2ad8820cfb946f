/* prog ROUNDS FILE: sums a checksum of the numbers in FILE over ROUNDS rounds,
 * writes it to out.txt and a summary to stdout. */
#include <stdio.h>
#include <stdlib.h>

#include "checksum.h"

int main(int argc, char **argv) {
    static int a[100000];
    if (argc != 3) {
        fprintf(stderr, "usage: %s ROUNDS FILE\n", argv[0]);
        return 2;
    }
    int rounds = atoi(argv[1]);
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    int n = 0;
    while (n < 100000 && fscanf(f, "%d", &a[n]) == 1) n++;
    fclose(f);
    FILE *out = fopen("out.txt", "w");
    if (!out) {
        perror("out.txt");
        return 1;
    }
    fprintf(out, "%ld\n", checksum(a, n, rounds));
    fclose(out);
    printf("%d numbers, %d rounds\n", n, rounds);
    return 0;
}
