/* true: a static program that does nothing, for jails with empty roots. */
int main(void)
{
	return 0;
}
