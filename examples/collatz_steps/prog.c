/* For each of N numbers, the number of Collatz steps (n -> n/2 or 3n+1) it
   takes to reach 1, one answer per line. Half input/output with scanf and
   printf, half a loop whose branch follows the data. */
#include <stdio.h>

int main(void)
{
    int n;
    if (scanf("%d", &n) != 1 || n < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        unsigned long long x;
        if (scanf("%llu", &x) != 1 || x < 1)
            return 1;
        int steps = 0;
        while (x != 1) {
            x = (x % 2) ? 3 * x + 1 : x / 2;
            steps++;
        }
        printf("%d\n", steps);
    }
    return 0;
}
