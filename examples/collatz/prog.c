/* Longest Collatz chain: for each query N, the start below N whose chain
   n -> n/2 (even) or 3n+1 (odd) takes the most steps to reach 1. */
#include <stdio.h>

static int chain_length(unsigned long long n)
{
    int steps = 0;
    while (n != 1) {
        if (n % 2 == 0)
            n = n / 2;
        else
            n = 3 * n + 1;
        steps++;
    }
    return steps;
}

int main(void)
{
    int t;
    if (scanf("%d", &t) != 1)
        return 1;
    while (t--) {
        long long limit;
        if (scanf("%lld", &limit) != 1 || limit < 2)
            return 1;
        long long best = 1;
        int best_steps = 0;
        for (long long n = 1; n < limit; n++) {
            int steps = chain_length(n);
            if (steps > best_steps) {
                best_steps = steps;
                best = n;
            }
        }
        printf("%lld %d\n", best, best_steps);
    }
    return 0;
}
