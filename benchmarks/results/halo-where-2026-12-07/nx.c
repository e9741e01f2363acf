/* Two-face exchange with one peer (as halo2d with 2 ranks), each sample after a barrier:
 *   nx MODE SIZE SAMPLES   MODE vec (MPI_Type_vector column of doubles 64 B apart), runs (8 runs
 * of SIZE/8 bytes, as halo3d's faces) or contig
 * (the same bytes contiguous). Prints best, p10, p50 of the exchange rate (MB/s sent per rank). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  MPI_Init(&argc,&argv); int me; MPI_Comm_rank(MPI_COMM_WORLD,&me);
  int vec=!strcmp(argv[1],"vec")||!strcmp(argv[1],"runs"); long size=atol(argv[2]); int n=atoi(argv[3]); long rows=size/8;
  double*f=calloc(rows*8,8),*c=calloc(rows*4,8); for(long i=0;i<rows*8;i++)f[i]=i;
  MPI_Datatype col; if(!strcmp(argv[1],"runs"))MPI_Type_vector(8,(int)(rows/8),(int)(rows/8)*8,MPI_DOUBLE,&col); else MPI_Type_vector((int)rows,1,8,MPI_DOUBLE,&col); MPI_Type_commit(&col);
  double*t=malloc(sizeof(double)*n); int peer=1-me; MPI_Request rq[4];
  for(int it=-20;it<n;it++){
    MPI_Barrier(MPI_COMM_WORLD); double a=MPI_Wtime();
    if(vec){MPI_Irecv(f,1,col,peer,1,MPI_COMM_WORLD,&rq[0]);MPI_Irecv(f+7,1,col,peer,2,MPI_COMM_WORLD,&rq[1]);
      MPI_Isend(f+6,1,col,peer,1,MPI_COMM_WORLD,&rq[2]);MPI_Isend(f+1,1,col,peer,2,MPI_COMM_WORLD,&rq[3]);}
    else{MPI_Irecv(c,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[0]);MPI_Irecv(c+rows,size,MPI_BYTE,peer,2,MPI_COMM_WORLD,&rq[1]);
      MPI_Isend(c+2*rows,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[2]);MPI_Isend(c+3*rows,size,MPI_BYTE,peer,2,MPI_COMM_WORLD,&rq[3]);}
    MPI_Waitall(4,rq,MPI_STATUSES_IGNORE); double d=MPI_Wtime()-a; if(it>=0)t[it]=d;}
  if(me==0){qsort(t,n,sizeof(double),cmp); printf("%s %ld: best %.0f MB/s (%.2f us) p10 %.0f p50 %.0f (%.2f us)\n",argv[1],size,2*size/t[0]/1e6,t[0]*1e6,2*size/t[n/10]/1e6,2*size/t[n/2]/1e6,t[n/2]*1e6);}
  MPI_Finalize(); return 0;}
