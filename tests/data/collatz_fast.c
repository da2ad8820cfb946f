/* Faster variant of examples/collatz/prog.c with identical output.
   For n < N/2 the start 2n is also below N and its chain is exactly one step
   longer (2n -> n), so no n < N/2 can be a maximizer (not even a tied one):
   the smallest start with the longest chain lies in [N/2, N). Scanning only
   that half skips the shorter half of the chains. */
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
        long long start = limit / 2 > 1 ? limit / 2 : 1;
        for (long long n = start; n < limit; n++) {
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
