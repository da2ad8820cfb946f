/* Sum, maximum and (lower) median of N integers read with scanf.
   Input: N, then N integers. Output: "SUM MAX MEDIAN". */
#include <stdio.h>
#include <stdlib.h>

#define MAXN 1000000

static int value[MAXN];

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    return 0;
}

int main(void)
{
    int n;
    if (scanf("%d", &n) != 1 || n < 1 || n > MAXN)
        return 1;
    long long total = 0;
    int best = 0;
    for (int i = 0; i < n; i++) {
        if (scanf("%d", &value[i]) != 1)
            return 1;
        total += value[i];
        if (i == 0 || value[i] > best)
            best = value[i];
    }
    qsort(value, n, sizeof value[0], cmp);
    printf("%lld %d %d\n", total, best, value[(n - 1) / 2]);
    return 0;
}
