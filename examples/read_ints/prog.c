/* Read N and N integers with scanf("%d"); print their sum, minimum, maximum and
   a position-weighted checksum. Input parsing is almost all of the work, as in
   many competitive-programming solutions. */
#include <stdio.h>

int main(void)
{
    int n;
    if (scanf("%d", &n) != 1 || n < 1)
        return 1;
    long long sum = 0, check = 0;
    int lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        int v;
        if (scanf("%d", &v) != 1)
            return 1;
        sum += v;
        if (i == 0 || v < lo)
            lo = v;
        if (i == 0 || v > hi)
            hi = v;
        check ^= (long long)v * (i + 1);
    }
    printf("%lld %d %d %lld\n", sum, lo, hi, check);
    return 0;
}
