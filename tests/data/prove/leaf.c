#include <stdio.h>
__attribute__((noinline)) unsigned mix(unsigned x) {
    x ^= x >> 16; x *= 0x45d9f3bu; x ^= x >> 16; x *= 0x45d9f3bu; x ^= x >> 16;
    return x;
}
__attribute__((noinline)) int popc(unsigned long x) { int c = 0; while (x) { c += x & 1; x >>= 1; } return c; }
__attribute__((noinline)) long sumto(long n) { long s = 0; for (long i = 0; i < n; i++) s += i * (i ^ n); return s; }
int main(void) {
    unsigned n; unsigned acc = 0;
    if (scanf("%u", &n) != 1) return 1;
    for (unsigned i = 0; i < n; i++) acc += mix(i) + popc(i) + sumto(i & 7);
    printf("%u\n", acc);
    return 0;
}
