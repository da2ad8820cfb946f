/* The hot function: prog.s is its `gcc -O3 -S` output. */
long checksum(const int *a, int n, int rounds) {
    long s = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++)
            s += (long)a[i] * (i + r) % 7;
    return s;
}
