/* Longest common subsequence of two strings (classic O(|a|*|b|) DP with two
   rolling rows). Input: two whitespace-separated strings; output: the length. */
#include <stdio.h>
#include <string.h>

#define MAXLEN 20000

static char a[MAXLEN + 1], b[MAXLEN + 1];
static int prev[MAXLEN + 1], cur[MAXLEN + 1];

int main(void)
{
    if (scanf("%20000s %20000s", a, b) != 2)
        return 1;
    int n = strlen(a), m = strlen(b);
    for (int j = 0; j <= m; j++)
        prev[j] = 0;
    for (int i = 1; i <= n; i++) {
        cur[0] = 0;
        for (int j = 1; j <= m; j++) {
            if (a[i - 1] == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else if (prev[j] >= cur[j - 1])
                cur[j] = prev[j];
            else
                cur[j] = cur[j - 1];
        }
        memcpy(prev, cur, sizeof(int) * (m + 1));
    }
    printf("%d\n", prev[m]);
    return 0;
}
